import QRCode from 'qrcode';
import { assert, defineSuite } from '../../../packages/web-core/e2e/harness.ts';
import { devSmsCode } from '../../../packages/web-core/e2e/staff-api.ts';

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
      // The option list fades out; the accessibility check below must not catch it half-transparent.
      await page.locator('.el-select-dropdown__item', { hasText: '新建' }).waitFor({ state: 'hidden' });
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

    await t.step('rules: a draft rule changes a sample person’s colour in the preview, then is published', async () => {
      await page.getByTestId('menu-rules').click();
      await page.getByTestId('version-built-in').waitFor();
      await page.getByTestId('new-draft').click();
      await page.getByTestId('version-draft').waitFor();
      await page.getByTestId('add-rule').click();
      // The new rule is made red: any symptom declared within the last 3 days.
      await page.getByTestId('rule-colour-0').click();
      await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '红码' }).click();
      const days = page.getByTestId('rule-days-0-0').locator('input');
      await days.fill('3');
      await days.press('Tab');
      await page.locator('.el-select-dropdown').first().waitFor({ state: 'hidden' });
      await t.screenshot('rules-editor');
      await page.getByTestId('preview').click();
      const row = page.getByTestId('preview-table').locator('tr').filter({ hasText: '2 天前申报咳嗽' });
      await row.waitFor();
      const text = await row.innerText();
      assert(/黄码[\s\S]*红码/.test(text), `the cough sample should go from yellow to red: ${text}`);
      assert(text.includes('有变化') && text.includes('rule-'), `the changed row should be marked: ${text}`);
      // Someone healthy is untouched by the new rule; the summary counts the people who change.
      const healthy = await page
        .getByTestId('preview-table')
        .locator('tr')
        .filter({ hasText: '健康，今日已申报' })
        .innerText();
      assert(
        !healthy.includes('有变化') && healthy.includes('绿码'),
        `the healthy sample should stay green: ${healthy}`,
      );
      const summary = await page.getByTestId('preview-summary').innerText();
      assert(/位样例人员中，[1-9]\d* 位/.test(summary), `preview summary: ${summary}`);
      await row.scrollIntoViewIfNeeded();
      await t.screenshot('rules-preview');
      await t.checkAccessibility('rules');
      // Publishing needs the reason and advice people will read, in both languages.
      await page.getByTestId('publish').click();
      await page.locator('.el-message-box__btns .el-button--primary').click();
      await page.getByText('发布前请为每条规则填写中英文的原因和建议').waitFor();
      const rule = page.locator('[data-testid^="rule-rule-"]').first();
      await rule.getByLabel('原因（中文，展示给居民）').fill('近 3 天申报有症状');
      await rule.getByLabel('原因（英文）').fill('Symptoms declared in the last 3 days');
      await rule.getByLabel('建议（中文，怎么做、何时转绿）').fill('请到发热门诊就诊，3 天内无新症状后自动转绿');
      await rule.getByLabel('建议（英文）').fill('See a fever clinic; green after 3 days without new symptoms');
      await page.getByTestId('publish').click();
      await page.locator('.el-message-box__btns .el-button--primary').click();
      await page.getByTestId('version-published').waitFor();
      await page.getByTestId('version-draft').waitFor({ state: 'detached' });
      await page.getByTestId('version-superseded').or(page.getByTestId('version-built-in')).first().waitFor();
      await t.screenshot('rules-published');
    });

    await t.step('places: registers a place and shows its printable poster', async () => {
      await page.goto('/console/places');
      await page.getByTestId('place-create').click();
      await page.locator('#place-name').fill('武昌站候车厅');
      await page.locator('#place-address').fill('武昌区中山路 1 号');
      await page.locator('#place-region').click();
      await page.keyboard.type('武昌');
      await page.locator('.el-select-dropdown__item').filter({ hasText: '420106' }).first().click();
      await page.locator('.el-select-dropdown').first().waitFor({ state: 'hidden' });
      await page.getByTestId('place-save').click();
      await page.getByTestId('poster').locator('svg').waitFor();
      const poster = await page.getByTestId('poster').innerText();
      assert(poster.includes('武昌站候车厅') && /[0-9A-Z]{10}/.test(poster), `poster text: ${poster}`);
      // The QR is announced with the place's name.
      await page.getByTestId('poster').getByRole('img', { name: '武昌站候车厅的场所码' }).waitFor();
      // The QR holds the resident H5's check-in URL for this code: the same modules as drawn here for it.
      const placeCode = /：([0-9A-Z]{10})/.exec(poster)?.[1];
      assert(placeCode, `the code should be printed for typing: ${poster}`);
      const expected = await QRCode.toString(`${new URL(t.baseUrl).origin}/m/p/${placeCode}`, {
        type: 'svg',
        errorCorrectionLevel: 'Q',
        margin: 1,
      });
      const drawn = await page.getByTestId('poster').locator('svg path').last().getAttribute('d');
      assert(drawn && expected.includes(`d="${drawn}"`), 'the poster QR should encode the place URL');
      await t.screenshot('place-poster');
      await t.checkAccessibility('place poster');
      await page.goto('/console/places');
      await page.getByTestId('places-table').getByText('武昌站候车厅').waitFor();
      await t.screenshot('places');
      await t.checkAccessibility('places');
    });

    await t.step('verifier: a resident’s code verifies with its colour, a tampered copy is rejected', async () => {
      // A demo resident other than the one the resident suite signs in (SMS codes have a 60 s resend
      // interval per phone): the admin reveals their phone and ID number for a stated, audited purpose.
      const me = (await (await page.request.get('/api/v1/identity/me')).json()) as { csrfToken: string };
      const list = (await (await page.request.get('/api/v1/identity/residents?limit=5')).json()) as {
        items: { id: string }[];
      };
      const revealed = await page.request.post(`/api/v1/identity/residents/${list.items[3]!.id}/reveal`, {
        headers: { 'x-csrf-token': me.csrfToken },
        data: { purpose: '端到端测试：核验码与人证核验' },
      });
      assert(revealed.ok(), `reveal answered ${revealed.status()}`);
      const person = (await revealed.json()) as { phone: string; idNumber: string };
      // They sign in through the API in a browser context of their own, so cookies never mix with the staff session.
      const residentContext = await t.browser.newContext({ baseURL: t.baseUrl });
      const r = residentContext.request;
      const asked = await r.post('/api/v1/identity/sms-codes', { data: { phone: person.phone } });
      assert(asked.ok(), `sms code answered ${asked.status()}`);
      const session = await r.post('/api/v1/identity/resident-sessions', {
        data: { phone: person.phone, code: await devSmsCode(t.baseUrl, person.phone) },
      });
      assert(session.ok(), `resident sign-in answered ${session.status()}`);
      const { csrfToken } = (await session.json()) as { csrfToken: string };
      const declared = await r.post('/api/v1/health-code/declarations', {
        headers: { 'x-csrf-token': csrfToken },
        data: { symptoms: [], visited: [], riskAreaVisit: 'none', contactWithCase: false, consent: true },
      });
      assert(declared.ok(), `declaration answered ${declared.status()}`);
      const code = await r.get('/api/v1/health-code/code');
      assert(code.ok(), `code answered ${code.status()}`);
      const { text } = (await code.json()) as { text: string };
      assert(text.startsWith('ZT1:'), `a ZT1 code expected: ${text.slice(0, 20)}`);
      await residentContext.close();

      await page.goto('/console/verifier');
      await page.getByTestId('verifier-status').waitFor();
      await page.locator('#verifier-text').fill(text);
      await page.getByTestId('verify').click();
      const verdict = page.getByTestId('verdict');
      await verdict.waitFor();
      assert((await verdict.getAttribute('data-ok')) === 'true', `valid code expected: ${await verdict.innerText()}`);
      assert((await verdict.getAttribute('data-colour')) === 'green', 'green expected');
      const shown = await verdict.innerText();
      assert(shown.includes('绿码') && shown.includes('*'), `colour and masked name expected: ${shown}`);
      await page.getByTestId('recorded').filter({ hasText: '已登记行程' }).waitFor();
      const age = await page.getByTestId('trust-age').innerText();
      assert(age.includes('刚刚'), `the trust list age should show: ${age}`);
      await t.screenshot('verifier-valid');
      await t.checkAccessibility('verifier');

      // Offline: still verified on the device, the check-in waits in the queue and is sent once back online.
      await page.context().setOffline(true);
      await page.getByTestId('verify').click();
      await page.getByTestId('queue-count').waitFor();
      assert((await verdict.getAttribute('data-ok')) === 'true', 'offline verification expected');
      await t.screenshot('verifier-offline');
      await page.context().setOffline(false);
      await page.getByTestId('queue-count').waitFor({ state: 'detached' });

      // One character changed near the end, inside the signature (the last few characters are the zlib
      // checksum, which the decoder does not check: changing only those leaves the signed bytes intact).
      const at = text.length - 16;
      const tampered = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
      await page.locator('#verifier-text').fill(tampered);
      await page.getByTestId('verify').click();
      await page.locator('[data-testid="verdict"][data-ok="false"]').waitFor();
      const refused = await verdict.innerText();
      assert(/签名无效|格式错误/.test(refused), `a named failure expected: ${refused}`);
      assert((await page.getByTestId('recorded').count()) === 0, 'a refused code must not be recorded');
      await t.screenshot('verifier-tampered');

      await page.getByTestId('id-card-mode').click();
      await page.locator('#id-number').fill(person.idNumber);
      await page.locator('#id-purpose').fill('地铁站入口核验');
      await page.getByTestId('id-lookup').click();
      await page.getByTestId('id-verdict').waitFor();
      const idVerdict = await page.getByTestId('id-verdict').innerText();
      assert(idVerdict.includes('绿码'), `ID-card lookup should show green: ${idVerdict}`);
      await t.screenshot('verifier-id-card');
      await page.goto('/console/');
      await page.getByTestId('welcome').waitFor();
    });

    await t.step('keys, appeals and purge pages show their records', async () => {
      await page.getByTestId('menu-keys').click();
      await page.getByTestId('keys-table').getByText('签发中').waitFor();
      const href = await page.locator('a[href="/api/v1/trust-list"]').getAttribute('href');
      assert(href === '/api/v1/trust-list', `trust-list link: ${href}`);
      // Rotating asks first; afterwards the old key is listed as retired beside the new signing key.
      await page.getByTestId('rotate').click();
      await page.locator('.el-message-box__btns .el-button--primary').click();
      await page.getByTestId('keys-table').getByText('已退役').waitFor();
      await page.locator('.el-message-box').waitFor({ state: 'hidden' });
      await t.screenshot('keys');
      await t.checkAccessibility('keys');
      await page.getByTestId('menu-overrides').click();
      await page.getByTestId('appeals-table').waitFor();
      await t.screenshot('overrides');
      await t.checkAccessibility('overrides');
      await page.getByTestId('menu-purges').click();
      await page.getByTestId('purges-table').waitFor();
      await t.screenshot('purges');
      await t.checkAccessibility('purges');
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
      // CDC edits the colour rules and checks codes: both pages in English.
      await page.getByTestId('menu-rules').click();
      await page.getByTestId('version-published').waitFor();
      await page.getByTestId('green-texts').getByText('When no rule above holds: green').waitFor();
      await t.screenshot('rules-cdc-en');
      await page.getByTestId('menu-verifier').click();
      // The list is fetched past the browser's HTTP cache: the key rotated a moment ago is already in it.
      await page.getByTestId('trust-age').filter({ hasText: '2 keys' }).waitFor();
      assert((await page.locator('#verifier-place').count()) === 0, 'no place picker without places.manage');
      await t.screenshot('verifier-cdc-en');
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

    await t.step('a grid worker declares for a resident without a phone and prints a code card', async () => {
      await page.context().clearCookies();
      await signIn('grid');
      const list = await page.request.get(new URL('/api/v1/identity/residents?limit=1', t.baseUrl).href);
      const id = ((await list.json()) as { items: { id: string }[] }).items[0]!.id;
      await page.goto(`/console/residents/${id}`);
      await page.getByTestId('proxy-declare').click();
      await page.getByTestId('proxy-submit').click();
      await page
        .getByRole('alert')
        .filter({ hasText: /agreed|同意/ })
        .waitFor();
      await page.getByTestId('proxy-consent').click();
      await page.getByTestId('proxy-submit').click();
      await page
        .getByRole('status')
        .filter({ hasText: /green|绿码/ })
        .waitFor();
      await page.getByTestId('print-card').click();
      await page.getByTestId('code-card').locator('svg').waitFor();
      await t.screenshot('code-card');
      await t.checkAccessibility('code card');
    });

    await t.step('a doctor reports pneumonia of unknown cause in one short form, then classifies it', async () => {
      await page.context().clearCookies();
      await signIn('medical');
      await page.getByTestId('menu-cases').click();
      await page.getByTestId('case-report').click();
      await page.locator('#case-name').fill('Unknown Patient');
      await page.getByTestId('class-unexplained_pneumonia').click();
      await t.screenshot('case-report-form');
      await t.checkAccessibility('case report form');
      await page.getByTestId('case-submit').click();
      const detail = page.getByTestId('case-detail');
      await detail.waitFor();
      assert((await detail.innerText()).includes('Pneumonia of unknown cause'), await detail.innerText());
      // A sample and its positive result confirm the case, with the lab named in the history.
      await page.getByPlaceholder('Laboratory, e.g. city CDC lab').fill('City CDC lab');
      await page.getByTestId('add-sample').click();
      await page.getByTestId('samples').getByRole('button', { name: 'Positive' }).click();
      await page.locator('.el-drawer').getByText('lab: throat_swab positive (City CDC lab)').waitFor();
      await page.getByPlaceholder('For example: PCR positive').fill('PCR positive');
      await page.locator('.el-drawer').getByRole('button', { name: 'Change classification' }).click();
      await page.locator('.el-drawer').getByText('PCR positive').waitFor();
      await t.screenshot('case-detail');
      await page.keyboard.press('Escape');
      // The demo outbreak has confirmed cases too: look at the row of the case reported here.
      await page.getByTestId('cases-table').locator('tr', { hasText: /U\*+t/ }).getByText('Confirmed').waitFor();
      await t.screenshot('cases');
      await t.checkAccessibility('cases');
    });
  },
});
