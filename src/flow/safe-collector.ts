/**
 * The collector handed to user code (`flow {}` bodies, `transform`, `AbstractFlow.collectSafely`):
 * it enforces the two flow invariants of kotlinx's `SafeCollector`.
 *
 * - Context preservation: every `emit` happens in the collecting coroutine (or a scoping function
 *   of it, such as `coroutineScope {}`), with the same context elements. Checked when the emitting
 *   coroutine differs from the previous emission's, so once per flow on the happy path.
 * - Exception transparency: once the downstream threw from an `emit`, any later `emit` fails.
 *
 * Order of checks per emit, as kotlinx: cancellation (`ensureActive`), then transparency and
 * context; any throw of those or of the downstream is remembered as the downstream's failure.
 */
import type {
	CoroutineContext,
	CoroutineContextElement,
	CoroutineContextKey,
} from "../context/coroutine-context.js";
import {
	type AbstractCoroutine,
	currentCoroutine,
} from "../coroutine/abstract-coroutine.js";
import { IllegalStateException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import { JobKey } from "../job/job-key.js";
import { ScopeCoroutine } from "../scope/scope-coroutine.js";
import { AbstractCollector, DONE, type FlowCollector } from "./collector.js";

/** The coroutine running the current step, or the IllegalStateException of a call outside one. */
export function requireCoroutine(where: string): AbstractCoroutine<unknown> {
	const co = currentCoroutine();
	if (co === null) {
		throw new IllegalStateException(
			`${where} was called outside a coroutine step: collect flows inside a coroutine (launch/async/runCoroutine), or use flow.asAsyncIterable() from async code`,
		);
	}
	return co;
}

const NO_FAILURE = Symbol("no failure");

export class SafeCollector<T> extends AbstractCollector<T> {
	private lastCoroutine: AbstractCoroutine<unknown>;
	private downstreamFailure: unknown = NO_FAILURE;

	constructor(
		private readonly collector: FlowCollector<T>,
		private readonly collectCoroutine: AbstractCoroutine<unknown>,
	) {
		super();
		this.lastCoroutine = collectCoroutine;
	}

	emit(value: T): Suspend<void> {
		const co = currentCoroutine();
		let r: Suspend<void>;
		try {
			if (co === null) throw requireCoroutine("FlowCollector.emit()");
			co.ensureActive();
			if (this.downstreamFailure !== NO_FAILURE)
				this.transparencyViolated(value);
			if (co !== this.lastCoroutine) {
				checkContext(co, this.collectCoroutine);
				this.lastCoroutine = co;
			}
			r = this.collector.emit(value);
		} catch (e) {
			this.downstreamFailure = e;
			throw e;
		}
		if (r === DONE) return DONE;
		return this.guard(r);
	}

	private *guard(r: Suspend<void>): Generator<never, void, unknown> {
		try {
			yield* r as Generator<never, void, unknown>;
		} catch (e) {
			this.downstreamFailure = e;
			throw e;
		}
	}

	private transparencyViolated(value: T): never {
		throw new IllegalStateException(
			`Flow exception transparency is violated:\n    Previous 'emit' call has thrown exception ${String(this.downstreamFailure)}, but then emission attempt of value '${String(value)}' has been detected.\n    Emissions from 'catch' blocks are prohibited in order to avoid unspecified behaviour, 'Flow.catch' operator can be used instead.\n    For a more detailed explanation, please refer to Flow documentation.`,
		);
	}
}

/** kotlinx's `checkContext`: the emitting coroutine must be the collector's, up to scoping functions. */
function checkContext(
	co: AbstractCoroutine<unknown>,
	collectCoroutine: AbstractCoroutine<unknown>,
): void {
	const collectContext = collectCoroutine.context;
	const currentContext = co.context;
	let count = 0;
	let size = 0;
	for (const _ of collectContext) size++;
	for (const element of currentContext) {
		const key = element.key;
		if (key !== JobKey) {
			if (
				element !==
				collectContext.get(key as CoroutineContextKey<CoroutineContextElement>)
			) {
				contextViolated(collectContext, currentContext);
			}
			count++;
			continue;
		}
		const collectJob = collectContext.get(JobKey) ?? null;
		const emissionParent = transitiveCoroutineParent(
			co as unknown as object,
			collectJob,
		);
		if (emissionParent !== collectJob) {
			throw new IllegalStateException(
				`Flow invariant is violated:\n\t\tEmission from another coroutine is detected.\n\t\tChild of ${String(emissionParent)}, expected child of ${String(collectJob)}.\n\t\tFlowCollector is not thread-safe and concurrent emissions are prohibited.\n\t\tTo mitigate this restriction please use 'channelFlow' builder instead of 'flow'`,
			);
		}
		if (collectJob !== null) count++;
	}
	if (count !== size) contextViolated(collectContext, currentContext);
}

function contextViolated(
	collectContext: CoroutineContext,
	currentContext: CoroutineContext,
): never {
	throw new IllegalStateException(
		`Flow invariant is violated:\n\t\tFlow was collected in ${String(collectContext)},\n\t\tbut emission happened in ${String(currentContext)}.\n\t\tPlease refer to 'flow' documentation or use 'flowOn' instead`,
	);
}

function transitiveCoroutineParent(
	job: object | null,
	collectJob: object | null,
): object | null {
	let j = job;
	while (j !== null) {
		if (j === collectJob) return j;
		if (!(j instanceof ScopeCoroutine)) return j;
		j = j.parent;
	}
	return null;
}
