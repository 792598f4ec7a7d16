/**
 * The inspector page end to end: the built `aura inspect` on the paper scenario, driven by
 * Playwright (`playwright-core`) in the system's Chromium, headless. No browser is downloaded:
 * `.ci/run` installs Debian's `chromium`; AURA_CHROMIUM names another executable.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InspectProcess, startInspect } from './helpers/inspect.js';

const CHROMIUM = process.env.AURA_CHROMIUM ?? '/usr/bin/chromium';
// Generous waits: CI runs the suite on two busy cores.
const POLL = { timeout: 15_000 };

const PAPER_ACTORS = [
  'alignmentController',
  'arrivals:rural-users',
  'arrivals:urban-users',
  'bs:rural',
  'bs:urban',
  'planner',
  'region:0',
  'simulation',
];

describe('inspector page (browser)', () => {
  let inspector: InspectProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set AURA_CHROMIUM`,
      );
    }
    [inspector, browser] = await Promise.all([
      startInspect(['scenarios/paper.yaml', '--paused', '--speed', '5000']),
      chromium.launch({ executablePath: CHROMIUM, headless: true }),
    ]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('request', (req) => requests.push(req.url()));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    await page.goto(inspector.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (inspector) {
      inspector.child.kill('SIGINT');
      await inspector.exited;
    }
  }, 30_000);

  const steps = async () => Number(await page.locator('#steps').textContent());
  const activeStates = () =>
    page.$$eval('#chart g.state.active', (gs) =>
      gs.map((g) => g.getAttribute('data-state-id') ?? ''),
    );

  it('loads and lists every actor of the paper scenario, with its statechart', async () => {
    await expect
      .poll(() => page.locator('#actors tbody tr').count(), POLL)
      .toBe(PAPER_ACTORS.length);
    const ids = await page.$$eval('#actors tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-actor') ?? ''),
    );
    expect(ids.sort()).toEqual(PAPER_ACTORS);
    expect(await page.locator('#run').textContent()).toBe(
      'scenarios/paper.yaml · aura · normal · seed 1',
    );
    expect(await page.locator('#status').textContent()).toBe('paused');
    // the planner is shown first, its diagram drawn from the machine definition
    expect(await page.locator('#chart').getAttribute('data-actor')).toBe('planner');
    expect(await page.locator('#chart svg g[data-state-id="planner.inFlight"]').count()).toBe(1);
    expect(await page.locator('#agents [data-cell]').count()).toBe(2);
    expect(pageErrors).toEqual([]);
    // offline: everything the page loads comes from the inspector itself
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const url of requests) expect(url.startsWith(inspector.url)).toBe(true);
  });

  it('pause holds the simulation and step delivers exactly one control event', async () => {
    const before = await steps();
    await page.waitForTimeout(400);
    expect(await steps()).toBe(before);
    await page.click('#step');
    await expect.poll(steps, POLL).toBe(before + 1);
    await page.waitForTimeout(300);
    expect(await steps()).toBe(before + 1);
    expect(await page.locator('#status').textContent()).toBe('paused');
    // the keyboard does the same: "s" steps
    await page.keyboard.press('s');
    await expect.poll(steps, POLL).toBe(before + 2);
  });

  it("highlights an actor's current state and moves the highlight as events arrive", async () => {
    await page.click('#actors tr[data-actor="bs:urban"]');
    expect(await page.locator('#chart').getAttribute('data-machine')).toBe('baseStation');
    const stateCell = page.locator('#actors tr[data-actor="bs:urban"] td.state');
    const first = await activeStates();
    const firstState = await stateCell.textContent();
    expect(firstState).toMatch(/^guided\.cycle\./);
    expect(first).toContain(`baseStation.${firstState}`);
    // step until the station's state changes (within a guidance period of a few events)
    let now = first;
    for (let i = 0; i < 30 && now.join() === first.join(); i++) {
      const n = await steps();
      await page.click('#step');
      await expect.poll(steps, POLL).toBe(n + 1);
      await page.waitForTimeout(150);
      now = await activeStates();
    }
    expect(now).not.toEqual(first);
    const nowState = await stateCell.textContent();
    expect(nowState).not.toBe(firstState);
    expect(now).toContain(`baseStation.${nowState}`);
    // the other base station's states are outlined, named in the tooltip
    const rural = await page.locator('#actors tr[data-actor="bs:rural"] td.state').textContent();
    const ruralLeaf = `baseStation.${rural}`;
    const peer = page.locator(`#chart g.peer[data-state-id="${ruralLeaf}"] > title`);
    expect(await peer.textContent()).toContain('bs:rural');
    // the log filters by event, actor or detail
    await page.fill('#log-filter', 'plan.suggested');
    const visible = await page.$$eval('#log tbody tr:not([hidden])', (rows) =>
      rows.map((r) => r.textContent ?? ''),
    );
    expect(visible.length).toBeGreaterThan(0);
    for (const row of visible) expect(row).toContain('plan.suggested');
    await page.fill('#log-filter', '');
  });

  it('play runs at the chosen speed and pause stops it again', async () => {
    await page.selectOption('#speed', 'max');
    await page.click('#play');
    await expect.poll(() => page.locator('#status').textContent(), POLL).toBe('running');
    const start = await steps();
    await expect.poll(steps, POLL).toBeGreaterThan(start + 100);
    await page.click('#pause');
    await expect.poll(() => page.locator('#status').textContent(), POLL).toBe('paused');
    await page.waitForTimeout(200); // the last update after pausing
    const held = await steps();
    await page.waitForTimeout(400);
    expect(await steps()).toBe(held);
    // metrics over time arrived with the episodes
    expect(await page.locator('#metrics [data-metric="dropped requests"] svg').count()).toBe(1);
    expect(pageErrors).toEqual([]);
  });
});
