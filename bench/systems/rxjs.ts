/**
 * RxJS, the peer of the hot-flow workloads only: `BehaviorSubject` for `stateflow-fanout`,
 * `Subject` for `sharedflow-broadcast`. RxJS delivers synchronously, inside `next`, and never
 * suspends a producer: the floor of what a push broadcast costs in JavaScript.
 */
import { BehaviorSubject, Subject, type Subscription } from "rxjs";
import {
	args,
	check,
	EXTRA,
	fail,
	report,
	scaled,
	timed,
} from "../protocol.js";

const { workload, scale } = args();

switch (workload) {
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
		fail(`rxjs runs the hot-flow workloads only, not ${workload}`);
}
