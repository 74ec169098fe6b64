import '@testing-library/jest-dom';

// CI machines have 2 cores shared by Jest's workers and the local control planes of other suites;
// typing into a dialog there can take longer than Jest's default 5 s. Tests that need more set it.
jest.setTimeout(30_000);
