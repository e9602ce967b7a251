// Stands in for tronweb in one build of bench/bundle.ts: the Worker's start-up without tronweb in
// its bundle at all, to compare with the real one. Never run: only the signing path imports it.
export const utils = {};
