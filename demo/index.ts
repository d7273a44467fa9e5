/** demo/ — the whole product in one process on embedded defaults: what `egov-noc demo` runs. */
export { startStack, type Stack, type StackOptions } from './stack';
