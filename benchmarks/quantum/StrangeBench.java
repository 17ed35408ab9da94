import org.redfx.strange.Program;
import org.redfx.strange.Step;
import org.redfx.strange.gate.Cnot;
import org.redfx.strange.gate.Hadamard;
import org.redfx.strange.gate.RotationX;
import org.redfx.strange.gate.RotationZ;
import org.redfx.strange.local.SimpleQuantumExecutionEnvironment;

/** The benchmark circuit on Strange (org.redfx:strange 0.1.3). Prints "strange N GATES SECONDS". */
public class StrangeBench {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        int layers = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Program p = new Program(n);
        int gates = 0;
        Step h = new Step();
        for (int q = 0; q < n; q++) { h.addGate(new Hadamard(q)); gates++; }
        p.addStep(h);
        for (int l = 0; l < layers; l++) {
            for (int q = 0; q + 1 < n; q += 2) { p.addStep(new Step(new Cnot(q, q + 1))); gates++; }
            for (int q = 1; q + 1 < n; q += 2) { p.addStep(new Step(new Cnot(q, q + 1))); gates++; }
            Step rz = new Step();
            for (int q = 0; q < n; q++) { rz.addGate(new RotationZ(0.1 * (q + 1), q)); gates++; }
            p.addStep(rz);
            Step rx = new Step();
            for (int q = 0; q < n; q++) { rx.addGate(new RotationX(0.2 * (q + 1), q)); gates++; }
            p.addStep(rx);
        }
        long t0 = System.nanoTime();
        new SimpleQuantumExecutionEnvironment().runProgram(p);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("strange %d %d %.3f%n", n, gates, s);
    }
}
