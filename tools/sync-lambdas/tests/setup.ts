// Registers aws-sdk-client-mock's matchers (toHaveReceivedCommandWith, ...) on vitest's expect.
import 'aws-sdk-client-mock-vitest/extend';
