/** The namespace clean-up lives in libs/testing, shared by every test that uses the broker. */
export { deleteNamespace } from '@app/testing';
