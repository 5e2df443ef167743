// kocoro/test: virtual time, seeded interleavings and cancellation-point injection (docs/semantics.md K9, docs/testing.md).
export {
	type CancellationPointMode,
	type CancellationPointOptions,
	type CancellationPointRun,
	type CancellationPointsReport,
	checkCancellationPoints,
} from "./cancellation-points.js";
export { RunTestError, UncompletedCoroutinesError } from "./errors.js";
export { type RunTestOptions, runTest } from "./run-test.js";
export { TestCoroutineScheduler } from "./test-coroutine-scheduler.js";
export {
	StandardTestDispatcher,
	TestDispatcher,
	UnconfinedTestDispatcher,
} from "./test-dispatchers.js";
export {
	DEFAULT_TEST_FLOW_TIMEOUT,
	type FlowEvent,
	type FlowTurbine,
	type TestFlowOptions,
	TurbineAssertionError,
	testFlow,
} from "./test-flow.js";
export type { TestScope } from "./test-scope.js";
