import type { Env } from '@gapless/pipeline-core';
import { describe, expect, it } from 'vitest';
import {
  defaultIpeaBaseUrl,
  defaultPtaxBaseUrl,
  defaultSgsBaseUrl,
  readSourceConfig,
} from './sourceConfig.js';
import { configErrorOf } from '@gapless/pipeline-core/testing';

describe('readSourceConfig', () => {
  it('fills the public BCB addresses and no faults when nothing is set', () => {
    // Act
    const config = readSourceConfig({
      BCB_SGS_BASE_URL: '',
      SIMULATED_FAULTS: ' ',
      SIMULATED_SOURCE_LOG: '',
    });

    // Assess
    expect(config).not.toHaveProperty('simulatedSourceLog');
    expect(config).toEqual({
      sgsBaseUrl: defaultSgsBaseUrl,
      ptaxBaseUrl: defaultPtaxBaseUrl,
      ipeaBaseUrl: defaultIpeaBaseUrl,
      simulatedFaults: { error: 0, timeout: 0, throttle: 0, null: 0, malformed: 0, seed: 42 },
    });
  });

  it('reads every variable when set', () => {
    // Prepare
    const env: Env = {
      BCB_SGS_BASE_URL: 'http://127.0.0.1:9000/dados/serie/',
      BCB_PTAX_BASE_URL: 'http://127.0.0.1:9001/odata',
      IPEA_BASE_URL: 'http://127.0.0.1:9002/api/odata4/',
      SIMULATED_FAULTS: '{"error":0.1,"timeout":0.05,"throttle":0.05,"null":0.02,"malformed":0.02,"seed":7}',
      SIMULATED_SOURCE_LOG: ' /tmp/run/source-requests.jsonl ',
    };

    // Act
    const config = readSourceConfig(env);

    // Assess
    expect(config).toEqual({
      sgsBaseUrl: 'http://127.0.0.1:9000/dados/serie',
      ptaxBaseUrl: 'http://127.0.0.1:9001/odata',
      ipeaBaseUrl: 'http://127.0.0.1:9002/api/odata4',
      simulatedFaults: { error: 0.1, timeout: 0.05, throttle: 0.05, null: 0.02, malformed: 0.02, seed: 7 },
      simulatedSourceLog: '/tmp/run/source-requests.jsonl',
    });
  });

  it.each([
    ['BCB_SGS_BASE_URL', 'ftp://example.com', /BCB_SGS_BASE_URL must be an http\(s\) URL/],
    ['IPEA_BASE_URL', 'ftp://example.com', /IPEA_BASE_URL must be an http\(s\) URL/],
    ['SIMULATED_FAULTS', '{"error":', /SIMULATED_FAULTS must be a JSON object/],
    ['SIMULATED_FAULTS', '[0.1]', /SIMULATED_FAULTS must be a JSON object/],
    ['SIMULATED_FAULTS', '{"errors":0.1}', /unknown key\(s\) errors/],
    ['SIMULATED_FAULTS', '{"error":1.5}', /rate "error" must be a number in \[0, 1\], got 1.5/],
    ['SIMULATED_FAULTS', '{"null":"0.1"}', /rate "null" must be a number in \[0, 1\]/],
    ['SIMULATED_FAULTS', '{"error":0.6,"timeout":0.5}', /rates must sum to at most 1, got 1.1/],
    ['SIMULATED_FAULTS', '{"seed":1.5}', /seed must be an integer, got 1.5/],
    ['SIMULATED_SOURCE_LOG', 'run/log.jsonl', /must be an absolute file path, got "run\/log.jsonl"/],
  ])('names %s when it is %j', (variable, value, message) => {
    // Act
    const error = configErrorOf(() => readSourceConfig({ [variable]: value }));

    // Assess
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });
});
