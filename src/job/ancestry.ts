/**
 * What the ancestry needs of a job: its parent while attached. Declared here, not imported from
 * the job types, so that the job implementation can use this file without an import cycle.
 */
export interface TreeNode {
	readonly parent: object | null;
}

/**
 * Where a job sits in its tree, computed on first need and kept beside the job (a WeakMap: no
 * field on every job, most are never asked): its depth, its parent's level and a skew-binary jump
 * pointer (Myers) to a level further up, so any ancestor level is reached in O(log depth) steps.
 * Levels hold no job, so a job kept after it finished does not keep its ancestors alive.
 *
 * Exact for an unfinished job: its ancestors are all attached (a parent finishes only after its
 * children) and a job's parent never changes, so a level computed once stays true.
 */
interface Level {
	readonly depth: number;
	readonly parent: Level | null;
	readonly jump: Level | null;
}

const levels = new WeakMap<TreeNode, Level>();
let ancestrySteps = 0;

function levelOf(job: TreeNode): Level {
	const known = levels.get(job);
	if (known !== undefined) return known;
	// Up to the first job with a level (or past the root), then levels from the top down: each
	// job gets its level once, so the walks of a whole tree cost O(size) together.
	const path: TreeNode[] = [];
	let above: Level | null = null;
	for (
		let j: TreeNode | null = job;
		j !== null;
		j = j.parent as TreeNode | null
	) {
		const level = levels.get(j);
		if (level !== undefined) {
			above = level;
			break;
		}
		path.push(j);
	}
	let level = above;
	for (let i = path.length - 1; i >= 0; i--) {
		level = childLevel(level);
		levels.set(path[i]!, level);
	}
	return level!;
}

function childLevel(parent: Level | null): Level {
	if (parent === null) return { depth: 0, parent: null, jump: null };
	// Jump as far as the parent's jump goes when its two previous jumps were equal in length.
	const j = parent.jump;
	const jj = j === null ? null : j.jump;
	const jump =
		j !== null && jj !== null && parent.depth - j.depth === j.depth - jj.depth
			? jj
			: parent;
	return { depth: parent.depth + 1, parent, jump };
}

/**
 * Whether `target` is `job` itself or one of its ancestors, in O(log depth) steps (amortized:
 * the first query in a new part of a tree computes its levels once). `job` must be unfinished.
 */
export function isAncestorOrSelf(job: TreeNode, target: TreeNode): boolean {
	const goal = levelOf(target);
	let l = levelOf(job);
	let steps = 0;
	while (l.depth > goal.depth) {
		const jump = l.jump;
		l = jump !== null && jump.depth >= goal.depth ? jump : l.parent!;
		steps++;
	}
	ancestrySteps = steps;
	return l === goal;
}

/** For tests: how many levels the last {@link isAncestorOrSelf} went up. */
export function lastAncestrySteps(): number {
	return ancestrySteps;
}
