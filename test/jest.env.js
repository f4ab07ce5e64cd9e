// jest.env.js: environment for every test file. The AWS SDK's notice that its 2027 releases need
// Node 22 is printed once per test file otherwise; the services still print it once at start.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
