/**
 * RxJS 7, a peer of the flow workloads only: `range().pipe(map, filter, reduce)`, synchronous;
 * and of the hot-flow workloads: `BehaviorSubject` for `stateflow-fanout`, `Subject` for
 * `sharedflow-broadcast` (delivered inside `next()`, a producer never held back).
 */
import {
	BehaviorSubject,
	filter as filter$,
	map as map$,
	mergeMap,
	of,
	range,
	reduce,
	Subject,
	type Subscription,
} from "rxjs";
import {
	args,
	check,
	EXTRA,
	fail,
	report,
	reportFlowRate,
	scaled,
	timed,
} from "../protocol.js";

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
	case "stateflow-fanout": {
		const collectors = scaled(1_000, scale);
		const updates = scaled(10_000, scale);
		let delivered = 0;
		const ms = await timed(async () => {
			delivered = 0;
			const state = new BehaviorSubject(0);
			const subs: Subscription[] = [];
			for (let i = 0; i < collectors; i++) {
				subs.push(
					state.subscribe(() => {
						delivered++;
					}),
				);
			}
			for (let i = 1; i <= updates; i++) state.next(i);
			for (const s of subs) s.unsubscribe();
		}, updates);
		check(delivered === collectors * (updates + 1), `delivered ${delivered}`);
		report({
			value: (ms * 1e6) / delivered,
			unit: "ns per delivered value",
			lowerIsBetter: true,
			extra: { [EXTRA.delivered]: delivered },
		});
		break;
	}
	case "sharedflow-broadcast": {
		const collectors = scaled(100, scale);
		const emits = scaled(100_000, scale);
		let delivered = 0;
		const ms = await timed(async () => {
			delivered = 0;
			const shared = new Subject<number>();
			const subs: Subscription[] = [];
			for (let i = 0; i < collectors; i++) {
				subs.push(
					shared.subscribe(() => {
						delivered++;
					}),
				);
			}
			for (let i = 1; i <= emits; i++) shared.next(i);
			for (const s of subs) s.unsubscribe();
		}, emits);
		check(delivered === collectors * emits, `delivered ${delivered}`);
		report({
			value: (ms * 1e6) / delivered,
			unit: "ns per delivered value",
			lowerIsBetter: true,
			extra: { [EXTRA.delivered]: delivered },
		});
		break;
	}
	default:
		fail(`rxjs runs only the flow and hot-flow workloads, not ${workload}`);
}
