/**
 * Hooks for `kocoro/debug`. The runtime only calls them; they cost one null check per coroutine
 * created while no probe is installed.
 */
export const probes: {
	/** Called with every coroutine created. */
	onCreated: ((coroutine: object) => void) | null;
	/** Whether coroutines record the stack of their creation site (costly). */
	captureStacks: boolean;
} = { onCreated: null, captureStacks: false };
