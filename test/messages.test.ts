import { describe, expect, it } from 'vitest';
import { loadScenarioFile, ScenarioError } from '../src/scenario/load.js';

/** The message a user sees for a broken scenario (exactly as `aura validate` prints it). */
function messageOf(file: string): string {
  try {
    loadScenarioFile(file);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error(`${file} should not validate`);
}

// Snapshot tests: a change to any of these messages must be a deliberate, reviewed one.
describe('scenario error messages', () => {
  it.each(['typos', 'impossible', 'topology', 'guards'])('%s.yaml', (name) => {
    expect(messageOf(`test/fixtures/scenarios/bad/${name}.yaml`)).toMatchSnapshot();
  });
});
