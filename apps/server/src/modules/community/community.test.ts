import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  as,
  buildTestApp,
  makeIdNumber,
  signInStaff,
  uniquePhone,
  type Signed,
  type TestApp,
} from '../../../test/build-test-app.ts';

let t: TestApp;
let grid: Signed;
let residentId: string;
const H = 3_600_000;
const shanghaiDay = (d: Date) => new Date(d.getTime() + 8 * H).toISOString().slice(0, 10);
/** 21:30 Beijing time on the day of `d`. */
const evening = (d: Date) => new Date(`${shanghaiDay(d)}T21:30:00+08:00`);

beforeAll(async () => {
  t = await buildTestApp({ residents: 10 });
  grid = await signInStaff(t.app, 'grid');
  const admin = await signInStaff(t.app, 'admin');
  const res = await as(t.app, admin, {
    method: 'POST',
    url: '/api/v1/identity/residents',
    payload: {
      name: '随访对象',
      idNumber: makeIdNumber(t.grids[0]!.slice(0, 6), '19600101', 818),
      phone: uniquePhone(),
      regionCode: t.grids[0],
    },
  });
  residentId = res.json().id;
});
afterAll(() => t?.close());

const tasks = async (open = true) =>
  (await as(t.app, grid, { method: 'GET', url: `/api/v1/community/tasks?open=${open}` })).json().items;
const alerts = async () => (await as(t.app, grid, { method: 'GET', url: '/api/v1/community/alerts' })).json().items;

describe('community follow-up', () => {
  it('opens one task per person and extends it when the person is found again', async () => {
    const community = t.zt.services.community;
    const exposure = {
      kind: 'place' as const,
      label: '中南路中百超市',
      at: new Date(Date.now() - 2 * H).toISOString(),
    };
    await community.onContactIdentified({
      residentId,
      level: 'secondary',
      lastExposureAt: new Date(Date.now() - 2 * H).toISOString(),
      exposure,
    });
    const [first] = await tasks();
    expect(first).toMatchObject({ level: 'secondary', status: 'open', name: '随**象', missedDays: 0 });
    // Found again as a close contact a day later: same task, close, longer period.
    await community.onContactIdentified({
      residentId,
      level: 'close',
      lastExposureAt: new Date(Date.now() + 24 * H).toISOString(),
      exposure: { ...exposure, kind: 'train', label: 'G1234 5车' },
    });
    const list = await tasks();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: first.id, level: 'close', exposure: { kind: 'train' } });
    expect(list[0].endsOn > first.endsOn).toBe(true);
  });

  it('raises a missed-check alert in the evening once, and none after a check', async () => {
    const community = t.zt.services.community;
    const [task] = await tasks();
    expect(await community.sweep(new Date(`${shanghaiDay(new Date())}T10:00:00+08:00`))).toEqual({
      completed: 0,
      missed: 0,
    });
    expect(await community.sweep(evening(new Date()))).toEqual({ completed: 0, missed: 1 });
    await community.sweep(evening(new Date()));
    expect(await alerts()).toEqual([expect.objectContaining({ kind: 'missed_check', taskId: task.id })]);
    const checked = await as(t.app, grid, {
      method: 'POST',
      url: `/api/v1/community/tasks/${task.id}/checks`,
      payload: { temperature: 36.5, symptoms: [] },
    });
    expect(checked.json()).toMatchObject({ checkedToday: true, status: 'in_progress' });
    expect((await community.sweep(evening(new Date()))).missed).toBe(0);
    // Acknowledged alerts leave the list.
    const ack = await as(t.app, grid, {
      method: 'POST',
      url: `/api/v1/community/alerts/${(await alerts())[0].id}/acknowledge`,
    });
    expect(ack.statusCode).toBe(204);
    expect(await alerts()).toEqual([]);
  });

  it('completes the task when its period is over, and refuses checks after it', async () => {
    const [task] = await tasks();
    const after = new Date(Date.parse(`${task.endsOn}T12:00:00+08:00`) + 24 * H);
    expect((await t.zt.services.community.sweep(after)).completed).toBe(1);
    expect(await tasks()).toEqual([]);
    expect((await tasks(false))[0]).toMatchObject({ id: task.id, status: 'done', ending: 'completed' });
    const late = await as(t.app, grid, {
      method: 'POST',
      url: `/api/v1/community/tasks/${task.id}/checks`,
      payload: { temperature: 36.5, symptoms: [] },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('community.task_closed');
  });

  it('refuses an impossible temperature and workers of other grids', async () => {
    const [task] = await tasks(false);
    const bad = await as(t.app, grid, {
      method: 'POST',
      url: `/api/v1/community/tasks/${task.id}/checks`,
      payload: { temperature: 50, symptoms: [] },
    });
    expect(bad.statusCode).toBe(400);
    await t.zt.services.identity.seedStaff({
      username: 'grid-other',
      displayName: '别的网格员',
      password: 'Strong-pass-2026',
      roles: ['grid_worker'],
      jurisdictionCode: t.grids[1]!,
    });
    const other = await signInStaff(t.app, 'grid-other', 'Strong-pass-2026');
    expect((await as(t.app, other, { method: 'GET', url: `/api/v1/community/tasks/${task.id}` })).statusCode).toBe(404);
  });
});
