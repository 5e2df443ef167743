/** RxJS 7, a peer of the flow workloads only: `range().pipe(map, filter, reduce)`, synchronous. */
import {
	filter as filter$,
	map as map$,
	mergeMap,
	of,
	range,
	reduce,
} from "rxjs";
import { args, fail, reportFlowRate } from "../protocol.js";

const { workload, scale } = args();

function sumOf(source: ReturnType<typeof range>): number {
	let sum = Number.NaN;
	source.subscribe((v) => {
		sum = v;
	});
	return sum;
}

switch (workload) {
	case "flow-pipeline":
		await reportFlowRate(
			(n) =>
				sumOf(
					range(0, n).pipe(
						map$((x) => x * 2),
						filter$((x) => x % 3 === 0),
						reduce((acc, x) => acc + x, 0),
					),
				),
			scale,
		);
		break;
	case "flow-suspending":
		// RxJS's counterpart of a callback that may be asynchronous: one that returns an
		// observable (mergeMap over a synchronous `of`).
		await reportFlowRate(
			(n) =>
				sumOf(
					range(0, n).pipe(
						mergeMap((x) => of(x * 2)),
						filter$((x) => x % 3 === 0),
						reduce((acc, x) => acc + x, 0),
					),
				),
			scale,
		);
		break;
	default:
		fail(`rxjs runs only the flow workloads, not ${workload}`);
}
