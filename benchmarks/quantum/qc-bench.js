// The benchmark circuit on npm quantum-circuit 0.9.250. Prints "quantum-circuit N GATES SECONDS".
const QuantumCircuit = require("quantum-circuit");
const n = parseInt(process.argv[2], 10);
const layers = process.argv[3] ? parseInt(process.argv[3], 10) : 5;
const c = new QuantumCircuit(n);
let col = 0, gates = 0;
for (let q = 0; q < n; q++) { c.addGate("h", col, q); gates++; }
col++;
for (let l = 0; l < layers; l++) {
  for (let q = 0; q + 1 < n; q += 2) { c.addGate("cx", col, [q, q + 1]); gates++; }
  col++;
  for (let q = 1; q + 1 < n; q += 2) { c.addGate("cx", col, [q, q + 1]); gates++; }
  col++;
  for (let q = 0; q < n; q++) { c.addGate("rz", col, q, { params: { phi: String(0.1 * (q + 1)) } }); gates++; }
  col++;
  for (let q = 0; q < n; q++) { c.addGate("rx", col, q, { params: { theta: String(0.2 * (q + 1)) } }); gates++; }
  col++;
}
const t0 = process.hrtime.bigint();
c.run();
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`quantum-circuit ${n} ${gates} ${s.toFixed(3)}`);
