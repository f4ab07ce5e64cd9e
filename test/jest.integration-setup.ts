// Integration tests start real services and processes; two minutes is their ceiling, not a target.
jest.setTimeout(120000);
