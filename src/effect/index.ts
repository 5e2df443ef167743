// kocoro/effect: Effect interop (API.md §9). `effect` is an optional peer dependency.
export { EffectFailure } from "./effect-failure.js";
export { fromEffect } from "./from-effect.js";
export { fromStream, toStream } from "./stream.js";
export { toEffect } from "./to-effect.js";
