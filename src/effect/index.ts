// kocoro/effect: Effect interop (docs/semantics.md K8, docs/interop.md). `effect` is an optional peer dependency.
export { EffectFailure } from "./effect-failure.js";
export { fromEffect } from "./from-effect.js";
export { fromStream, toStream } from "./stream.js";
export { toEffect } from "./to-effect.js";
