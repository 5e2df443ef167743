/** Cancels a scheduled timer; disposing it again, or after it ran, does nothing. */
export interface TimerHandle {
	dispose(): void;
}
