package org.kumiki.platform.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Paging of a list in a stable order: {@code ?limit=N} (1 to {@value #MAX_LIMIT}, default
 * {@value #DEFAULT_LIMIT}) and {@code ?after=KEY} (the {@code next} of the previous page) answer
 * {@code {"items": [...], "next": KEY}}; {@code next} is absent on the last page. A key that is
 * no longer in the list (the item was removed) continues after the position it would have had
 * when the list is sorted by key, else it is a 400.
 */
public final class Page {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private Page() {
    }

    /**
     * One page of {@code items}, in their order.
     *
     * @param key the item's stable key (its id)
     * @param sortedByKey true when {@code items} are sorted by {@code key} (natural string order),
     *        so that a removed {@code after} key can still be placed
     */
    public static <T> Map<String, Object> of(ApiCall call, List<T> items, Function<T, String> key, boolean sortedByKey) {
        int limit = call.queryInt("limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String after = call.query("after");
        int start = 0;
        if (after != null) {
            start = -1;
            for (int i = 0; i < items.size(); i++) {
                if (after.equals(key.apply(items.get(i)))) {
                    start = i + 1;
                    break;
                }
            }
            if (start < 0) {
                if (!sortedByKey) {
                    throw ApiException.badRequest("after=" + Text.quote(after) + " is not a key of this list (it may have been removed): start again without 'after'");
                }
                start = items.size();
                for (int i = 0; i < items.size(); i++) {
                    if (key.apply(items.get(i)).compareTo(after) > 0) {
                        start = i;
                        break;
                    }
                }
            }
        }
        int end = Math.min(items.size(), start + limit);
        List<T> page = new ArrayList<>(items.subList(start, end));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("items", page);
        if (end < items.size() && !page.isEmpty()) {
            out.put("next", key.apply(page.get(page.size() - 1)));
        }
        return out;
    }
}
