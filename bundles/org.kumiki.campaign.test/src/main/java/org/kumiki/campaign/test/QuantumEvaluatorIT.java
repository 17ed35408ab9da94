package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.osgi.test.common.annotation.InjectService;

/** The {@code quantum} evaluator: Estimator evaluations of an H2 ansatz on the state-vector simulator. */
class QuantumEvaluatorIT {

    @TempDir
    Path dir;

    /** Exact ground energy of H2 at 0.735 Angstrom (STO-3G), nuclear repulsion included. */
    static final double H2_GROUND = -1.137306;

    /**
     * cos(theta/2)|01> + e^(i phi) sin(theta/2)|10>: the ground state is in it (theta near -0.22,
     * phi = 0); phi away from 0 weakens the XX coupling.
     */
    static final String ANSATZ = "OPENQASM 3.0; include \\\"stdgates.inc\\\"; input float theta; input float phi; qubit[2] q;"
            + " ry(theta) q[0]; cx q[0], q[1]; x q[0]; rz(phi) q[1];";

    String file(String name, String options, int budget) throws Exception {
        Path f = dir.resolve(name + ".yaml");
        Files.writeString(f, "name: " + name + "\nseed: 11\n"
                + "parameters:\n  - {name: theta, type: continuous, min: -3.14159, max: 3.14159}\n"
                + "  - {name: phi, type: continuous, min: -1.5, max: 1.5}\n"
                + "objectives: [{name: energy, goal: minimise}]\n"
                + "budget: {evaluations: " + budget + "}\nproposer: {kind: bayesian, initialPoints: 6}\n"
                + "pipeline:\n  - name: vqe\n    evaluator: quantum\n    options: {circuit: \"" + ANSATZ + "\", " + options + "}\n");
        return f.toString();
    }

    @Test
    void bayesianOptimisationOverATwoParameterAnsatzReachesTheH2GroundEnergy(@InjectService CampaignService campaigns) throws Exception {
        CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, campaigns.start(Path.of(file("h2", "molecule: h2, backend: statevector", 24))).id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(24, end.done);
        double best = end.best.objectives.get("energy");
        assertTrue(Math.abs(best - H2_GROUND) < 0.005, "best energy " + best + " at " + end.best.point + ", exact " + H2_GROUND);
        for (EvaluationDTO e : campaigns.evaluations(end.id)) {
            assertTrue(e.objectives.get("energy") >= H2_GROUND - 1e-6, "variational: " + e.objectives);
            assertTrue(e.dataRefs.stream().anyMatch(d -> d.startsWith("quantum:qjob-")), e.dataRefs.toString());
        }
    }

    @Test
    void anUnknownBackendOrObservableIsOneLineAtStart(@InjectService CampaignService campaigns) throws Exception {
        CampaignException e = assertThrows(CampaignException.class, () -> campaigns.start(Path.of(file("q1", "molecule: h2, backend: ibm_kyoto", 4))));
        assertTrue(e.getMessage().matches(".*q1\\.yaml:\\d+:\\d+: (step 'vqe': )?option 'backend': unknown backend 'ibm_kyoto' \\(known: [^)]*statevector[^)]*\\)"),
                e.getMessage());
        e = assertThrows(CampaignException.class, () -> campaigns.start(Path.of(file("q2", "molecule: lih", 4))));
        assertTrue(e.getMessage().matches(".*q2\\.yaml:\\d+:\\d+: (step 'vqe': )?option 'molecule': unknown molecule 'lih' \\(built in: h2\\)"), e.getMessage());
        e = assertThrows(CampaignException.class, () -> campaigns.start(Path.of(file("q3", "observable: \"0.5*ZQ\"", 4))));
        assertTrue(e.getMessage().matches(".*q3\\.yaml:\\d+:\\d+: (step 'vqe': )?option 'observable': a Pauli label is made of I, X, Y and Z, got 'ZQ'"),
                e.getMessage());
    }
}
