import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The fixtures are linted as if they stood at these paths, so the real config's file globs apply.
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('module boundaries', () => {
  it("fails a module that imports another module's repository", async () => {
    const errors = await restricted(
      'apps/server/src/modules/identity/fixture.service.ts',
      "import { RegionsRepository } from '../regions/regions.repository.ts';\nexport const x = RegionsRepository;\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/index\.ts/);
  });

  it("fails a module that imports another module's tables or routes", async () => {
    const code =
      "import type { RegionsTables } from '../regions/regions.tables.ts';\nimport { regionsRoutes } from '../regions/regions.routes.ts';\nexport type T = RegionsTables;\nexport const r = regionsRoutes;\n";
    expect(await restricted('apps/server/src/modules/identity/fixture.service.ts', code)).toHaveLength(2);
  });

  it("allows a module to use another module's index and its own files", async () => {
    const code =
      "import type { RegionsService } from '../regions/index.ts';\nimport { IdentityRepository } from './identity.repository.ts';\nimport { AppError } from '../../platform/errors.ts';\nexport type S = RegionsService;\nexport const x = [IdentityRepository, AppError];\n";
    expect(await restricted('apps/server/src/modules/identity/fixture.service.ts', code)).toEqual([]);
  });

  it('fails platform code that imports a module', async () => {
    const code =
      "import type { IdentityService } from '../../modules/identity/index.ts';\nexport type S = IdentityService;\n";
    expect(await restricted('apps/server/src/platform/audit/fixture.ts', code)).toHaveLength(1);
  });

  it('fails routes that import a repository, even their own', async () => {
    const code =
      "import { IdentityRepository } from './identity.repository.ts';\nexport const x = IdentityRepository;\n";
    expect(await restricted('apps/server/src/modules/identity/fixture.routes.ts', code)).toHaveLength(1);
  });

  it('fails the composition root reaching into a module', async () => {
    const code =
      "import { IdentityService } from './modules/identity/identity.service.ts';\nexport const x = IdentityService;\n";
    expect(await restricted('apps/server/src/app.ts', code)).toHaveLength(1);
  });
});
