import { assert, defineSuite } from '../../../packages/web-core/e2e/harness.ts';

const PASSWORD = 'Demo-2026-zt';

/** A checksum-valid ID number (GB 11643) of the demo city. */
function idNumber(seq: number): string {
  const first17 = `420102198506${String(10 + (seq % 18)).padStart(2, '0')}${String(100 + seq).slice(-3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return first17 + '10X98765432'[sum % 11]!;
}

export default defineSuite({
  name: 'imports',
  async run(t) {
    const { page } = t;
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const rows = Array.from({ length: 6 }, (_, i) =>
      ['火车', 'G1022', today, '5', `${i + 1}F`, `测试旅客${i}`, idNumber(i), `1391234567${i}`].join(','),
    );
    // Row 4 of the file: a phone number that is not one.
    rows.splice(2, 0, ['火车', 'G1022', today, '5', '9F', '错误旅客', idNumber(40), '12345'].join(','));
    const csv = Buffer.from(['交通方式,车次/航班号,日期,车厢,座位,姓名,身份证号,手机', ...rows].join('\r\n') + '\r\n');

    await t.step('cdc signs in and opens 文件导入 from the menu', async () => {
      await page.goto('/console/');
      await page.getByTestId('sign-in').waitFor();
      await page.locator('#login-username').fill('cdc');
      await page.locator('#login-password').fill(PASSWORD);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('welcome').waitFor();
      await page.getByTestId('menu-imports').click();
      await page.getByTestId('imports-table').waitFor();
      await t.screenshot('empty');
      await t.checkAccessibility('imports page');
    });

    await t.step('uploads a CSV with one bad row and sees it finish with 1 rejected', async () => {
      await page.getByTestId('import-file').setInputFiles({ name: '客运名单.csv', mimeType: 'text/csv', buffer: csv });
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-status').filter({ hasText: '已完成' }).waitFor({ timeout: 30_000 });
      const done = await page.getByTestId('import-rows-done').innerText();
      const rejected = await page.getByTestId('import-rows-rejected').innerText();
      assert(done.trim() === '6', `rows imported: ${done}`);
      assert(rejected.trim() === '1', `rows rejected: ${rejected}`);
      await page.getByTestId('imports-table').getByText('客运名单.csv').waitFor();
      // Progress bars and tags animate in; the picture and the contrast check want them settled.
      await page.waitForTimeout(800);
      await t.screenshot('done');
      await t.checkAccessibility('import done');
    });

    await t.step('downloads the rejects report: row and reason, no personal data', async () => {
      const href = await page.getByTestId('import-rejects').getAttribute('href');
      assert(href?.endsWith('/rejects.csv'), `report link: ${href}`);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('import-rejects').click()]);
      assert(download.suggestedFilename().endsWith('-rejects.csv'), `file name ${download.suggestedFilename()}`);
      const report = await page.request.get(new URL(href!, t.baseUrl).href);
      assert(report.status() === 200, `report answered ${report.status()}`);
      const text = (await report.text()).replace(/^\uFEFF/, '');
      assert(text.includes('4,phone,phone.format'), `report: ${text}`);
      assert(!text.includes('错误旅客') && !text.includes(idNumber(40)), `report leaks personal data: ${text}`);
    });

    await t.step('a file with wrong columns is refused at once, naming them', async () => {
      const wrong = Buffer.from(`车次,日期,姓名,备注\r\nG1,${today},某人,x\r\n`);
      await page.getByTestId('import-file').setInputFiles({ name: '缺列.csv', mimeType: 'text/csv', buffer: wrong });
      await page.getByTestId('import-start').click();
      await page.getByTestId('import-status').filter({ hasText: '已拒收' }).waitFor();
      const problems = await page.getByTestId('import-problems').innerText();
      assert(problems.includes('备注') && problems.includes('身份证号'), `problems: ${problems}`);
      await page.getByTestId('imports-table').getByText('缺列.csv').waitFor();
      await page.waitForTimeout(800);
      await t.screenshot('refused');
      await t.checkAccessibility('import refused');
    });
  },
});
