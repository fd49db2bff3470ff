/** The middle value of `list` (the upper one of an even count): a run another process's load lands on is an outlier. */
export const median = (list) => list.toSorted((a, b) => a - b)[Math.floor(list.length / 2)];
