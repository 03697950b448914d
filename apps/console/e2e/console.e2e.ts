import { assert, defineSuite } from '../../../packages/web-core/e2e/harness.ts';

const PASSWORD = 'Demo-2026-zt';

export default defineSuite({
  name: 'console',
  async run(t) {
    const { page } = t;

    async function signIn(username: string) {
      await page.goto('/console/');
      await page.getByTestId('sign-in').waitFor();
      await page.locator('#login-username').fill(username);
      await page.locator('#login-password').fill(PASSWORD);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('welcome').waitFor();
    }

    await t.step('login page renders and rejects a wrong password with the server message', async () => {
      await page.goto('/console/');
      await page.waitForURL('**/console/login**');
      await page.locator('#login-username').fill('admin');
      await page.locator('#login-password').fill('wrong-password-1');
      await page.getByTestId('sign-in').click();
      const text = await page.getByTestId('login-error').innerText();
      assert(text.includes('用户名或密码错误'), `expected bad-credentials message, got: ${text}`);
      await t.screenshot('login-zh');
      await t.checkAccessibility('login');
    });

    await t.step('admin signs in and sees roles, jurisdiction and the full menu', async () => {
      await signIn('admin');
      await page.getByTestId('my-jurisdiction').waitFor();
      const menu = await page.getByTestId('side-menu').innerText();
      for (const item of ['账号管理', '行政区划', '审计日志', '接口令牌', '居民查询'])
        assert(menu.includes(item), `menu lacks ${item}: ${menu}`);
      await t.screenshot('home-zh');
      await t.checkAccessibility('home');
    });

    await t.step('accounts: lists staff and creates an account', async () => {
      await page.getByTestId('menu-accounts').click();
      await page.getByTestId('accounts-table').getByText('steward', { exact: true }).waitFor();
      await page.getByTestId('create-account').click();
      await page.locator('#acc-username').fill('e2e.worker');
      await page.locator('#acc-display').fill('测试网格员');
      await page.locator('#acc-password').fill('E2e-password-2026');
      await page.getByTestId('acc-roles').getByText('网格员').click();
      await page.locator('#acc-region').click();
      await page.keyboard.type('江汉');
      await page.locator('.el-select-dropdown__item').filter({ hasText: '420103' }).first().click();
      // The option list closes with a transition; check the dialog once it is gone.
      await page.locator('.el-select-dropdown').first().waitFor({ state: 'hidden' });
      await t.screenshot('account-create');
      await t.checkAccessibility('account dialog');
      await page.getByTestId('acc-save').click();
      await page.getByTestId('accounts-table').getByText('e2e.worker').waitFor();
      await page.waitForTimeout(400);
      await t.screenshot('accounts');
      await t.checkAccessibility('accounts');
    });

    await t.step('regions: browse the tree lazily and search by name', async () => {
      await page.getByTestId('menu-regions').click();
      await page.getByTestId('region-tree').getByText('湖北省').waitFor();
      await page.getByTestId('region-tree').getByText('湖北省').click();
      await page.getByTestId('region-tree').getByText('武汉市').waitFor();
      await page.locator('#region-q').fill('江汉');
      await page.getByTestId('region-search').click();
      await page.getByTestId('region-results').getByText('420103').first().waitFor();
      await t.screenshot('regions');
      await t.checkAccessibility('regions');
    });

    await t.step('audit: shows events and exports the same filters as CSV', async () => {
      await page.getByTestId('menu-audit').click();
      await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
      await page.locator('.el-select:has(#audit-action) .el-select__wrapper').click();
      await page.locator('.el-select-dropdown__item', { hasText: '新建' }).click();
      await page.getByTestId('audit-search').click();
      // The account created above is in the filtered list, its action and purpose in Chinese.
      await page.getByTestId('audit-table').locator('tbody tr').filter({ hasText: '账号管理' }).first().waitFor();
      const actions = await page.getByTestId('audit-table').locator('tbody tr td:nth-child(3)').allInnerTexts();
      assert(
        actions.length > 0 && actions.every((a) => a.trim() === '新建'),
        `filtered actions: ${actions.join(', ')}`,
      );
      const href = await page.getByTestId('audit-csv').getAttribute('href');
      assert(href?.includes('action=create'), `CSV link should carry the filter: ${href}`);
      const csv = await page.request.get(new URL(href!, t.baseUrl).href);
      assert(csv.status() === 200, `CSV answered ${csv.status()}`);
      assert(
        (csv.headers()['content-type'] ?? '').includes('text/csv'),
        `CSV content-type ${csv.headers()['content-type']}`,
      );
      await t.screenshot('audit');
      await t.checkAccessibility('audit');
    });

    await t.step('api tokens and security pages render', async () => {
      await page.getByTestId('menu-tokens').click();
      await page.getByTestId('tokens-table').waitFor();
      await t.checkAccessibility('tokens');
      await page.getByTestId('menu-security').click();
      await page.getByTestId('totp-status').waitFor();
      await page.getByTestId('totp-start').click();
      await page.getByTestId('totp-secret').waitFor();
      await page.getByTestId('totp-qr').waitFor();
      await t.screenshot('security');
      await t.checkAccessibility('security');
    });

    await t.step('switches to English', async () => {
      await page.getByTestId('menu-home').click();
      await page.getByTestId('locale-switch').click();
      await page.getByText('Welcome,').waitFor();
      assert((await page.getAttribute('html', 'lang')) === 'en', 'html lang should be en');
      await page.reload();
      await page.getByText('My roles').waitFor();
      await t.screenshot('home-en');
      await t.checkAccessibility('home en');
      await page.getByTestId('menu-accounts').click();
      await page.getByTestId('accounts-table').getByText('steward', { exact: true }).waitFor();
      await t.screenshot('accounts-en');
    });

    await t.step('a CDC user sees only what the role allows', async () => {
      await page.getByTestId('sign-out').click();
      await page.getByTestId('sign-in').waitFor();
      await signIn('cdc');
      const menu = await page.getByTestId('side-menu').innerText();
      assert(!menu.includes('Accounts') && !menu.includes('Audit log'), `cdc menu too wide: ${menu}`);
      assert(menu.includes('Residents') && menu.includes('Regions'), `cdc menu too narrow: ${menu}`);
      await page.goto('/console/accounts');
      await page.getByTestId('welcome').waitFor();
      await t.screenshot('home-cdc-en');
    });

    await t.step('CDC unmasks a resident for a stated purpose, and the read is audited', async () => {
      const list = await page.request.get(new URL('/api/v1/identity/residents?limit=1', t.baseUrl).href);
      const id = ((await list.json()) as { items: { id: string }[] }).items[0]!.id;
      await page.goto(`/console/residents/${id}`);
      await page.getByTestId('resident-detail').waitFor();
      const masked = await page.getByTestId('resident-detail').innerText();
      assert(/\*{8}/.test(masked), `detail should be masked: ${masked}`);
      await page.getByTestId('reveal-open').click();
      await page.getByTestId('reveal-confirm').click();
      await page.getByText('State a purpose of at least 4 characters').waitFor();
      await page.locator('#reveal-purpose').fill('Close-contact follow-up call');
      await page.getByTestId('reveal-confirm').click();
      await page.locator('.el-dialog').waitFor({ state: 'hidden' });
      const full = await page.getByTestId('revealed').innerText();
      assert(/\d{17}[\dX]/.test(full) && /1\d{10}/.test(full), `full details should show: ${full}`);
      await t.screenshot('resident-revealed-en');
      await t.checkAccessibility('resident revealed');
    });
  },
});
