/** Synchronous generators, a peer of the flow workloads only: a pull pipeline of `function*`. */
import { args, fail, reportFlowRate } from "../protocol.js";

const { workload, scale } = args();

function* range(n: number) {
	for (let i = 0; i < n; i++) yield i;
}
function* map(src: Iterable<number>, f: (x: number) => number) {
	for (const x of src) yield f(x);
}
function* filter(src: Iterable<number>, p: (x: number) => boolean) {
	for (const x of src) if (p(x)) yield x;
}

switch (workload) {
	case "flow-pipeline":
	case "flow-suspending":
		// The same pipeline in both: a generator stage has no "suspending callback" of its own.
		await reportFlowRate((n) => {
			let sum = 0;
			for (const x of filter(
				map(range(n), (x) => x * 2),
				(x) => x % 3 === 0,
			))
				sum += x;
			return sum;
		}, scale);
		break;
	default:
		fail(`generators runs only the flow workloads, not ${workload}`);
}
