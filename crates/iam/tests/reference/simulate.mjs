// The reference evaluator for crates/iam/tests/differential.rs: reads a JSON array of
// @cloud-copilot/iam-simulate `Simulation` objects on stdin and prints, for each, its overall
// result (`Allowed`, `ExplicitlyDenied`, `ImplicitlyDenied`) or `error: …` as a JSON array.
// It applies whatever SCPs and RCPs it is given: which apply is the Rust test's decision.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const out = []
for (const simulation of cases) {
  try {
    const r = await runSimulation(simulation, {})
    out.push(r.resultType === 'error' ? `error: ${JSON.stringify(r.errors)}` : r.overallResult)
  } catch (e) {
    out.push(`error: ${e && e.message}`)
  }
}
process.stdout.write(JSON.stringify(out))
