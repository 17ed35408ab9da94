package org.kumiki.campaign.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;

class SimulationPlanTest {

    static Map<String, Object> options(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static final Object PRESSURE = Map.of("pressure", Map.of("column", "press", "reduce", "mean", "last", 2));

    @Test
    void fixedFieldsThenMappedParametersMakeTheSpec() {
        SimulationPlan p = SimulationPlan.parse(options("spec", Map.of("cells", 3, "steps", 200, "engine", "md", "thermoEvery", 20),
                "map", Map.of("T", "temperature", "rho", "density"), "objective", PRESSURE));
        SimulationSpec s = p.spec(Map.of("T", 1.25, "rho", 0.8, "other", "ignored"));
        assertEquals(3, s.cellsX);
        assertEquals(3, s.cellsZ);
        assertEquals(200, s.steps);
        assertEquals(20, s.thermoEvery);
        assertEquals("md", s.engine);
        assertEquals(1.25, s.temperature);
        assertEquals(0.8, s.density);
    }

    @Test
    void withoutAMapEveryParameterIsTheFieldOfItsName() {
        SimulationPlan p = SimulationPlan.parse(options("objective", PRESSURE));
        SimulationSpec s = p.spec(Map.of("temperature", 2.0, "steps", 300L));
        assertEquals(2.0, s.temperature);
        assertEquals(300, s.steps);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.spec(Map.of("ratio_a", 0.5)));
        assertEquals("parameter 'ratio_a' is not a spec field; map it with option 'map' (known fields: cells, "
                + String.join(", ", SimulationPlan.FIELDS.keySet()) + ")", e.getMessage());
    }

    @Test
    void aBadMappingIsOneLine() {
        assertEquals("option 'map': unknown spec field 'temprature' (known: cells, " + String.join(", ", SimulationPlan.FIELDS.keySet()) + ")",
                assertThrows(IllegalArgumentException.class,
                        () -> SimulationPlan.parse(options("map", Map.of("T", "temprature"), "objective", PRESSURE))).getMessage());
        assertEquals("option 'spec': unknown spec field 'cels' (known: cells, " + String.join(", ", SimulationPlan.FIELDS.keySet()) + ")",
                assertThrows(IllegalArgumentException.class,
                        () -> SimulationPlan.parse(options("spec", Map.of("cels", 3), "objective", PRESSURE))).getMessage());
        assertEquals("option 'objective.p': unknown thermo column 'pres' (known: " + String.join(", ", SimulationPlan.COLUMNS.keySet()) + ")",
                assertThrows(IllegalArgumentException.class,
                        () -> SimulationPlan.parse(options("objective", Map.of("p", Map.of("column", "pres"))))).getMessage());
        assertEquals("option 'objective.p': unknown reducer 'median' (known: mean, final, min, max, std)",
                assertThrows(IllegalArgumentException.class,
                        () -> SimulationPlan.parse(options("objective", Map.of("p", Map.of("column", "press", "reduce", "median"))))).getMessage());
        assertEquals("option 'objective.p': 'last' must be a whole number of rows >= 1, got 0",
                assertThrows(IllegalArgumentException.class,
                        () -> SimulationPlan.parse(options("objective", Map.of("p", Map.of("column", "press", "last", 0))))).getMessage());
        assertEquals("option 'objective' is missing: give {NAME: {column: press, reduce: mean, last: 5}}",
                assertThrows(IllegalArgumentException.class, () -> SimulationPlan.parse(options())).getMessage());
        assertEquals("unknown option 'objectives' (known: spec, map, objective, task)",
                assertThrows(IllegalArgumentException.class, () -> SimulationPlan.parse(options("objectives", PRESSURE))).getMessage());
        SimulationPlan p = SimulationPlan.parse(options("map", Map.of("n", "steps"), "objective", PRESSURE));
        assertEquals("parameter 'n' needs a whole number, got 2.5",
                assertThrows(IllegalArgumentException.class, () -> p.spec(Map.of("n", 2.5))).getMessage());
        assertEquals("option 'map': unknown parameter 'n' (the point has: m)",
                assertThrows(IllegalArgumentException.class, () -> p.spec(Map.of("m", 2L))).getMessage());
        SimulationPlan q = SimulationPlan.parse(options("spec", Map.of("temperature", "hot"), "objective", PRESSURE));
        assertEquals("option 'spec.temperature': spec field 'temperature' needs a number, got hot",
                assertThrows(IllegalArgumentException.class, () -> q.spec(Map.of())).getMessage());
    }

    @Test
    void reducersOverTheLastRows() {
        List<ThermoDTO> rows = List.of(ThermoDTO.of(0, 1.0, -6, -4, 1.0), ThermoDTO.of(10, 1.1, -6, -4, 3.0),
                ThermoDTO.of(20, 1.2, -6, -4, 5.0), ThermoDTO.of(30, 1.3, -6, -4, 7.0));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("mean2", Map.of("column", "press", "reduce", "mean", "last", 2));
        o.put("mean", Map.of("column", "pressure"));
        o.put("final", Map.of("column", "temp", "reduce", "last"));
        o.put("min", Map.of("column", "Press", "reduce", "min", "last", 3));
        o.put("max", Map.of("column", "step", "reduce", "max"));
        o.put("std", Map.of("column", "press", "reduce", "std", "last", 2));
        Map<String, Double> v = SimulationPlan.parse(options("objective", o)).values(rows);
        assertEquals(6.0, v.get("mean2"), 1e-12);
        assertEquals(4.0, v.get("mean"), 1e-12);
        assertEquals(1.3, v.get("final"), 1e-12);
        assertEquals(3.0, v.get("min"), 1e-12);
        assertEquals(30.0, v.get("max"), 1e-12);
        assertEquals(Math.sqrt(2), v.get("std"), 1e-12);
        assertEquals("objective 'mean2': the run reported no thermo rows", assertThrows(IllegalStateException.class,
                () -> SimulationPlan.parse(options("objective", o)).values(List.of())).getMessage());
    }
}
