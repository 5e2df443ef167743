// The scope types are declared beside the coroutine that implements them (a coroutine is the scope
// of its own body), below this folder; the scope builders import them from here.
export type {
	ActorBlock,
	ActorScope,
	Block,
	CoroutineScope,
	ProducerBlock,
	ProducerScope,
} from "../coroutine/coroutine-scope.js";
