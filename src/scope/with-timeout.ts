import type { CoroutineContext } from "../context/coroutine-context.js";
import { CoroutineName } from "../context/coroutine-name.js";
import { checkBlock } from "../coroutine/coroutine.js";
import type { Task } from "../dispatchers/task.js";
import { TimeoutCancellationException } from "../errors/exceptions.js";
import type {
	Suspend,
	SuspendingCoroutine,
} from "../intrinsics/instruction.js";
import { checkTime } from "../time/check-time.js";
import { delayProviderOf } from "../time/delay-provider.js";
import type { TimerHandle } from "../time/timer-handle.js";
import type { Block } from "./coroutine-scope.js";
import { ScopeCoroutine } from "./scope-coroutine.js";
import { ScopeInstruction } from "./scoping-functions.js";

/** T1: the scope of `withTimeout`; its timer cancels only this scope, with a TCE. */
class TimeoutCoroutine<T> extends ScopeCoroutine<T> {
	private timer: TimerHandle | null = null;
	constructor(
		parentContext: CoroutineContext,
		block: Block<T>,
		private readonly timeMillis: number,
		private readonly orNull: boolean,
	) {
		super(parentContext, block);
	}
	override get className(): string {
		return "TimeoutCoroutine";
	}
	armTimer(): void {
		if (this.timeMillis === Number.POSITIVE_INFINITY) return;
		this.timer = delayProviderOf(this.dispatcher).scheduleTimer(
			this.timeMillis,
			new TimeUp(this),
			this.dispatchContext,
		);
	}
	timeUp(): void {
		this.timer = null;
		this.cancelImpl(this.timeoutException());
	}
	private timeoutException(): TimeoutCancellationException {
		const name = this.context.get(CoroutineName.Key);
		const message =
			name === undefined
				? `Timed out waiting for ${this.timeMillis} ms`
				: `Coroutine "${name.name}" timed out waiting for ${this.timeMillis} ms`;
		const e = new TimeoutCancellationException(message);
		Object.defineProperty(e, "coroutine", { value: this, enumerable: false });
		return e;
	}
	/** T3: `withTimeoutOrNull` turns only its own TCE into null. */
	override outcome(): [boolean, unknown] {
		const outcome = super.outcome();
		const e = outcome[1];
		if (
			this.orNull &&
			outcome[0] &&
			e instanceof TimeoutCancellationException &&
			(e as { coroutine?: unknown }).coroutine === this
		) {
			return [false, null];
		}
		return outcome;
	}
	protected override onCompletionInternal(): void {
		// T1: the timer is gone when the block ends.
		this.timer?.dispose();
		this.timer = null;
		super.onCompletionInternal();
	}
}

class TimeUp implements Task {
	constructor(private readonly scope: TimeoutCoroutine<unknown>) {}
	run(): void {
		this.scope.timeUp();
	}
}

class TimeoutInstruction<T> extends ScopeInstruction<T, T | null> {
	constructor(
		private readonly timeMillis: number,
		private readonly block: Block<T>,
		private readonly orNull: boolean,
	) {
		super();
	}
	override execute(co: SuspendingCoroutine): unknown {
		if (this.timeMillis <= 0) {
			// T2: without running the block.
			if (this.orNull) return null;
			throw new TimeoutCancellationException("Timed out immediately");
		}
		return super.execute(co);
	}
	protected createScope(parentContext: CoroutineContext): ScopeCoroutine<T> {
		return new TimeoutCoroutine(
			parentContext,
			this.block,
			this.timeMillis,
			this.orNull,
		);
	}
	protected override beforeStart(scope: ScopeCoroutine<T>): void {
		(scope as TimeoutCoroutine<T>).armTimer();
	}
}

/**
 * Runs `block` with a time limit: when `timeMillis` passes first, the block is cancelled with a
 * {@link TimeoutCancellationException} (`Timed out waiting for N ms`), which is rethrown here.
 * Uncaught, it leaves the caller cancelled, not failed (T1). `timeMillis <= 0` times out at once
 * without running the block; `Infinity` never times out.
 *
 * @example
 * const page = yield* withTimeout(5_000, function* () { return yield* fetchPage(url); });
 */
export function withTimeout<T>(
	timeMillis: number,
	block: Block<T>,
): Suspend<T> {
	const t = checkTime(timeMillis, "withTimeout(timeMillis, block)");
	return new TimeoutInstruction(
		t,
		checkBlock<T>(block, "withTimeout"),
		false,
	) as Suspend<T>;
}

/**
 * Like {@link withTimeout}, but returns null when its own time limit passes (T3).
 *
 * @example
 * const page = yield* withTimeoutOrNull(5_000, function* () { return yield* fetchPage(url); });
 * if (page === null) console.log("timed out");
 */
export function withTimeoutOrNull<T>(
	timeMillis: number,
	block: Block<T>,
): Suspend<T | null> {
	const t = checkTime(timeMillis, "withTimeoutOrNull(timeMillis, block)");
	return new TimeoutInstruction(
		t,
		checkBlock<T>(block, "withTimeoutOrNull"),
		true,
	);
}
