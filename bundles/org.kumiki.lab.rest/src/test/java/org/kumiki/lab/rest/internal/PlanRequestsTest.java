package org.kumiki.lab.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.AdaptiveAgent;
import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.dto.AxisDTO;
import org.kumiki.platform.rest.ApiException;

class PlanRequestsTest {

    /** Records which plan was made with which arguments. */
    static final class Recorder implements Plans {
        final List<String> calls = new ArrayList<>();
        final Plan plan = r -> null;

        @Override
        public Plan count(List<String> d, int num, double delay, Map<String, Object> md) {
            calls.add("count " + d + " " + num + " " + delay + " " + md);
            return plan;
        }

        @Override
        public Plan scan(List<String> d, String motor, double start, double stop, int num, Map<String, Object> md) {
            calls.add("scan " + d + " " + motor + " " + start + " " + stop + " " + num);
            return plan;
        }

        @Override
        public Plan gridScan(List<String> d, List<AxisDTO> axes, boolean snake, Map<String, Object> md) {
            calls.add("grid_scan " + d + " " + axes.size() + " " + snake);
            return plan;
        }

        @Override
        public Plan listScan(List<String> d, Map<String, List<Object>> points, Map<String, Object> md) {
            calls.add("list_scan " + d + " " + points);
            return plan;
        }

        @Override
        public Plan adaptive(List<String> d, List<String> m, AdaptiveAgent a, int max, Map<String, Object> md) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Plan sequence(List<Plan> plans) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Plan of(List<Msg> messages) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Plan create(String name, Map<String, String> args) {
            throw new UnsupportedOperationException();
        }
    }

    private static String refused(RunRequest r) {
        ApiException e = assertThrows(ApiException.class, () -> PlanRequests.build(r, new Recorder()));
        assertEquals(400, e.status());
        return e.getMessage();
    }

    private static RunRequest req(String plan, String... dets) {
        RunRequest r = new RunRequest();
        r.plan = plan;
        r.detectors = List.of(dets);
        return r;
    }

    @Test
    void buildsEveryPlanWithDefaults() {
        Recorder p = new Recorder();
        PlanRequests.build(req("count", "det1"), p);
        RunRequest s = req("scan", "det1");
        s.motor = "m1";
        s.start = -1.0;
        s.stop = 1.0;
        s.num = 11;
        PlanRequests.build(s, p);
        RunRequest g = req("grid_scan", "det1");
        g.axes = List.of(AxisDTO.of("m1", 0, 1, 3), AxisDTO.of("m2", 0, 1, 2));
        PlanRequests.build(g, p);
        RunRequest l = req("list_scan", "det1");
        l.points = Map.of("m1", List.of(0.0, 1.0));
        PlanRequests.build(l, p);
        assertEquals(List.of("count [det1] 1 0.0 {}", "scan [det1] m1 -1.0 1.0 11", "grid_scan [det1] 2 false", "list_scan [det1] {m1=[0.0, 1.0]}"),
                p.calls);
    }

    @Test
    void refusesEachBadFieldWithOneLineNamingIt() {
        assertEquals("property \"plan\" is required (count, scan, grid_scan, list_scan)", refused(req(null, "det1")));
        assertTrue(refused(req("shell\n", "det1")).contains("'shell\\u000a' is not a plan"));
        RunRequest c = req("count", "det1");
        c.motor = "m1";
        assertTrue(refused(c).startsWith("property \"motor\" is not a parameter of plan count"));
        RunRequest n = req("count", "det1");
        n.num = -3;
        assertEquals("property \"num\" is -3; it must be within 1 to 1000000", refused(n));
        RunRequest d = req("count", "det1");
        d.delay = Double.NaN;
        assertTrue(refused(d).startsWith("property \"delay\" is NaN"));
        RunRequest s = req("scan", "det1");
        s.motor = "m1";
        s.start = 0.0;
        s.stop = Double.POSITIVE_INFINITY;
        s.num = 2;
        assertTrue(refused(s).startsWith("property \"stop\" must be a finite number"));
        assertTrue(refused(req("count")).startsWith("property \"detectors\" needs 1 to 64"));
        assertTrue(refused(req("count", "det 1")).contains("is not a device name"));
        RunRequest md = req("count", "det1");
        md.metadata = Map.of("plan_name", "x");
        assertTrue(refused(md).startsWith("property \"metadata.plan_name\" is set by the engine"));
        RunRequest g = req("grid_scan", "det1");
        g.axes = List.of(AxisDTO.of("m1", 0, 1, 0));
        assertTrue(refused(g).startsWith("property \"axes[0].num\" is 0"));
    }
}
