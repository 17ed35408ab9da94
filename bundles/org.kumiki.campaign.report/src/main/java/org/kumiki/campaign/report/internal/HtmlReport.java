package org.kumiki.campaign.report.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.ProvenanceDTO;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One self-contained HTML page: the campaign's convergence (with a baseline campaign's), the
 * parameters explored (parallel coordinates), the best result and the provenance table. Apache
 * ECharts is inlined; the campaign's data travels as a JSON island that only the page's own script
 * reads, and every campaign-provided text in the markup is escaped, so a hostile name is shown as
 * text and runs nothing.
 */
final class HtmlReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HtmlReport() {
    }

    /** A campaign with its evaluations. */
    record Campaign(CampaignStatusDTO status, List<EvaluationDTO> evaluations) {
    }

    static String render(Campaign campaign, Campaign baseline, String echartsJs) {
        CampaignStatusDTO s = campaign.status();
        CampaignDefinition d = s.definition;
        Convergence conv = Convergence.of(d, campaign.evaluations());
        ObjectNode data = JSON.createObjectNode();
        data.put("id", s.id);
        ObjectNode c = data.putObject("convergence");
        c.put("label", "best so far (" + s.id + ")");
        c.put("axis", conv.axis);
        c.set("best", points(conv.best));
        c.set("values", points(conv.values));
        if (baseline != null) {
            // the baseline is scored by this campaign's objectives: the same landscape
            Convergence b = Convergence.of(d, baseline.evaluations());
            ObjectNode bn = data.putObject("baseline");
            bn.put("label", "best so far (baseline " + baseline.status().id + ")");
            bn.set("best", points(b.best));
        }
        parallel(data.putObject("parameters"), parameters(d, campaign.evaluations()), conv);

        StringBuilder h = new StringBuilder(echartsJs.length() + 65536);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<meta name=\"generator\" content=\"Kumiki org.kumiki.campaign.report\">\n")
                .append("<title>Campaign ").append(esc(s.id)).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top;font-size:.9em}")
                .append("th{background:#f3f3f3}.chart{width:100%;max-width:1100px;height:380px}code{font-size:.9em}\n</style></head><body>\n");
        h.append("<h1>Campaign <span id=\"campaign-id\">").append(esc(s.id)).append("</span></h1>\n<table id=\"summary\">\n");
        row(h, "state", s.state + (s.message == null ? "" : ": " + s.message));
        row(h, "evaluations", s.done + " ended of " + s.budget + " (" + s.failed + " failed, " + s.inFlight + " in flight)");
        row(h, "started", s.createdAt > 0 ? Instant.ofEpochMilli(s.createdAt).toString() : "");
        row(h, "ended", s.endedAt > 0 ? Instant.ofEpochMilli(s.endedAt).toString() : "");
        row(h, "campaign file", s.source == null ? "(given as a definition)" : s.source);
        row(h, "campaign file SHA-256", s.sourceHash == null ? "" : s.sourceHash);
        if (d != null) {
            row(h, "proposer", d.proposer.kind + ", seed " + d.seed + ", batches of " + d.batchSize);
            row(h, "objectives", String.join(", ", d.objectives.stream().map(o -> o.goal + " " + o.name + (o.goal.name().equals("TARGET") ? " = " + o.target : "")).toList()));
        }
        if (baseline != null) {
            row(h, "baseline", baseline.status().id + " (" + baseline.status().done + " evaluations)");
        }
        h.append("</table>\n<h2>Convergence</h2>\n<div id=\"convergence\" class=\"chart\"></div>\n");
        h.append("<h2>Parameters explored</h2>\n<div id=\"parameters\" class=\"chart\"></div>\n");
        h.append("<h2>Best result</h2>\n");
        best(h, s);
        h.append("<h2>Provenance</h2>\n<h3>Software</h3>\n<table id=\"software\"><tr><th>bundle</th><th>version</th></tr>\n");
        for (Map.Entry<String, String> b : s.bundles.entrySet()) {
            h.append("<tr><td>").append(esc(b.getKey())).append("</td><td>").append(esc(b.getValue())).append("</td></tr>\n");
        }
        h.append("</table>\n<h3>Evaluations</h3>\n");
        provenance(h, campaign.evaluations());
        h.append("<script>\n").append(scriptSafe(echartsJs)).append("\n</script>\n");
        h.append("<script type=\"application/json\" id=\"kumiki-data\">").append(island(data)).append("</script>\n");
        h.append("<script>\n").append(RENDER).append("</script>\n</body></html>\n");
        return h.toString();
    }

    private static ArrayNode points(List<double[]> ps) {
        ArrayNode a = JSON.createArrayNode();
        for (double[] p : ps) {
            a.addArray().add((long) p[0]).add(p[1]);
        }
        return a;
    }

    /** The parameters in the definition's order, or as the points name them when there is none. */
    private static List<ParameterDTO> parameters(CampaignDefinition d, List<EvaluationDTO> evaluations) {
        if (d != null && !d.parameters.isEmpty()) {
            return d.parameters;
        }
        Set<String> names = new LinkedHashSet<>();
        evaluations.forEach(e -> names.addAll(e.point.keySet()));
        List<ParameterDTO> out = new ArrayList<>();
        for (String n : names) {
            ParameterDTO p = new ParameterDTO();
            p.name = n;
            p.type = ParameterType.CONTINUOUS;
            p.min = Double.NaN;
            out.add(p);
        }
        return out;
    }

    private static void parallel(ObjectNode out, List<ParameterDTO> params, Convergence conv) {
        ArrayNode axes = out.putArray("axes");
        int dim = 0;
        for (ParameterDTO p : params) {
            ObjectNode a = axes.addObject();
            a.put("dim", dim++);
            a.put("name", p.name + (p.unit == null ? "" : " (" + p.unit + ")"));
            if (p.type == ParameterType.CATEGORICAL) {
                a.put("type", "category");
                ArrayNode v = a.putArray("data");
                p.values.forEach(v::add);
            } else if (!Double.isNaN(p.min)) {
                a.put("min", p.min);
                a.put("max", p.max);
            }
        }
        ObjectNode last = axes.addObject();
        last.put("dim", dim);
        last.put("name", conv.axis);
        ArrayNode rows = out.putArray("rows");
        for (int i = 0; i < conv.order.size(); i++) {
            EvaluationDTO e = conv.order.get(i);
            ArrayNode r = rows.addArray();
            for (ParameterDTO p : params) {
                Object v = e.point.get(p.name);
                if (v instanceof Number n) {
                    r.add(n.doubleValue());
                } else {
                    r.add(v == null ? null : String.valueOf(v));
                }
            }
            r.add(conv.values.get(i)[1]);
        }
    }

    private static void best(StringBuilder h, CampaignStatusDTO s) {
        EvaluationDTO b = s.best;
        if (b == null) {
            h.append("<p id=\"best\">No evaluation has completed.</p>\n");
            return;
        }
        h.append("<table id=\"best\"><tr><th>evaluation</th><td>").append(esc(b.id)).append("</td></tr>\n");
        b.point.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(String.valueOf(v))).append("</td></tr>\n"));
        b.objectives.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(String.valueOf(v))).append("</td></tr>\n"));
        h.append("<tr><th>score</th><td>").append(b.score).append("</td></tr>\n</table>\n");
    }

    private static void provenance(StringBuilder h, List<EvaluationDTO> evaluations) {
        h.append("<table id=\"provenance\"><tr><th>evaluation</th><th>state</th><th>point</th><th>proposer (seed)</th>")
                .append("<th>step</th><th>attempt</th><th>evaluator</th><th>bundle</th><th>handle</th><th>identifiers</th><th>error</th></tr>\n");
        for (EvaluationDTO e : evaluations) {
            List<ProvenanceDTO> ps = e.provenance == null || e.provenance.isEmpty() ? List.of(new ProvenanceDTO()) : e.provenance;
            boolean first = true;
            for (ProvenanceDTO p : ps) {
                h.append("<tr>");
                if (first) {
                    String span = ps.size() > 1 ? " rowspan=\"" + ps.size() + "\"" : "";
                    cell(h, span, e.id);
                    cell(h, span, String.valueOf(e.state));
                    cell(h, span, e.point.toString());
                    cell(h, span, e.proposer + " (" + Long.toUnsignedString(e.proposerSeed, 16) + ")");
                }
                cell(h, "", p.stepName == null ? "" : p.stepName);
                cell(h, "", p.attempt == 0 ? "" : String.valueOf(p.attempt));
                cell(h, "", p.evaluator == null ? "" : p.evaluator);
                cell(h, "", p.bundle == null ? "" : p.bundle + " " + p.bundleVersion);
                cell(h, "", p.handle == null ? "" : p.handle);
                StringBuilder ids = new StringBuilder();
                p.ids.forEach((k, v) -> ids.append(ids.length() == 0 ? "" : ", ").append(k).append('=').append(v));
                cell(h, "", ids.toString());
                if (first) {
                    cell(h, ps.size() > 1 ? " rowspan=\"" + ps.size() + "\"" : "", e.error == null ? "" : e.error);
                }
                first = false;
                h.append("</tr>\n");
            }
        }
        h.append("</table>\n");
    }

    private static void cell(StringBuilder h, String attrs, String text) {
        h.append("<td").append(attrs).append('>').append(esc(text)).append("</td>");
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    /** HTML text and attribute escaping. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? ' ' : c);
            }
        }
        return b.toString();
    }

    /** JSON for a {@code <script type="application/json">}: no '<', '>' or '&' can close the element. */
    static String island(ObjectNode data) {
        String text;
        try {
            text = JSON.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the report data", e);
        }
        // these characters occur only inside JSON strings, where \\u escapes mean the same
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    }

    /** A script body cannot contain "</script": guard the inlined library (ECharts 5.3.1 has none). */
    private static String scriptSafe(String js) {
        return js.replace("</script", "<\\/script");
    }

    /** Draws the two charts from the JSON island; tooltips are drawn on the canvas (richText), never as HTML. */
    private static final String RENDER = """
            (function () {
              'use strict';
              var data = JSON.parse(document.getElementById('kumiki-data').textContent);
              var conv = echarts.init(document.getElementById('convergence'));
              var series = [
                {id: 'best', name: data.convergence.label, type: 'line', step: 'end', showSymbol: true, data: data.convergence.best},
                {id: 'values', name: 'each evaluation', type: 'scatter', symbolSize: 6, data: data.convergence.values}
              ];
              if (data.baseline) {
                series.push({id: 'baseline', name: data.baseline.label, type: 'line', step: 'end', showSymbol: false,
                  lineStyle: {type: 'dashed'}, data: data.baseline.best});
              }
              conv.setOption({
                animation: false,
                tooltip: {trigger: 'axis', renderMode: 'richText'},
                legend: {top: 0},
                grid: {left: 70, right: 30, top: 40, bottom: 50},
                xAxis: {type: 'value', name: 'evaluations', nameLocation: 'middle', nameGap: 30, minInterval: 1},
                yAxis: {type: 'value', name: data.convergence.axis, scale: true},
                series: series
              });
              var par = echarts.init(document.getElementById('parameters'));
              var axes = data.parameters.axes;
              var last = axes.length - 1;
              var values = data.parameters.rows.map(function (r) { return r[last]; });
              par.setOption({
                animation: false,
                parallelAxis: axes,
                parallel: {left: 60, right: 110, top: 50, bottom: 30},
                visualMap: values.length ? {type: 'continuous', dimension: last, min: Math.min.apply(null, values),
                  max: Math.max.apply(null, values), right: 0, top: 'middle', calculable: false,
                  inRange: {color: ['#313695', '#74add1', '#fdae61', '#a50026']}} : undefined,
                series: [{id: 'points', type: 'parallel', lineStyle: {width: 1.5, opacity: 0.6}, data: data.parameters.rows}]
              });
              window.addEventListener('resize', function () { conv.resize(); par.resize(); });
              window.kumikiReport = {ready: true, id: data.id};
            })();
            """;
}
