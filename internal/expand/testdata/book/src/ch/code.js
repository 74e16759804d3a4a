const a = 1;
// [setup]
const b = 2;
// [setup]
