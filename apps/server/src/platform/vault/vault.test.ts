import { describe, expect, it } from 'vitest';
import type { AuditLog, AuditRecord } from '../audit/index.ts';
import { systemActor, type Actor } from '../auth/actor.ts';
import { Sealer, Vault } from './index.ts';

function recordingAudit() {
  const events: { actor: Actor; event: AuditRecord }[] = [];
  const audit = {
    record: async (actor: Actor, event: AuditRecord) => {
      events.push({ actor, event });
    },
  } as unknown as AuditLog;
  return { audit, events };
}

const key = Buffer.alloc(32, 1);
const actor = systemActor('test');
const context = { subjectType: 'resident', subjectId: 'r-1', regionCode: '420102', purpose: 'contact tracing' };

describe('Vault', () => {
  it('round-trips through reveal and writes exactly one audit event naming the fields', async () => {
    const { audit, events } = recordingAudit();
    const vault = new Vault(key, audit);
    const fields = { name: vault.encrypt('name', '张小三'), idNumber: vault.encrypt('idNumber', '11010519491231002X') };
    const out = await vault.reveal(actor, context, fields);
    expect(out).toEqual({ name: '张小三', idNumber: '11010519491231002X' });
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toMatchObject({
      action: 'read',
      subjectId: 'r-1',
      purpose: 'contact tracing',
      fields: ['name', 'idNumber'],
      regionCode: '420102',
    });
  });

  it('binds the field name: ciphertext of one field cannot be revealed as another, and nothing is audited', async () => {
    const { audit, events } = recordingAudit();
    const vault = new Vault(key, audit);
    const phone = vault.encrypt('phone', '13812345678');
    await expect(vault.reveal(actor, context, { idNumber: phone })).rejects.toThrow();
    expect(events).toHaveLength(0);
  });

  it('detects tampering and refuses another key', async () => {
    const vault = new Vault(key, recordingAudit().audit);
    const c = vault.encrypt('name', '李四');
    const [v, iv, body] = c.split(':') as [string, string, string];
    const bytes = Buffer.from(body, 'base64');
    bytes[0]! ^= 1;
    await expect(vault.reveal(actor, context, { name: `${v}:${iv}:${bytes.toString('base64')}` })).rejects.toThrow();
    const other = new Vault(Buffer.alloc(32, 2), recordingAudit().audit);
    await expect(other.reveal(actor, context, { name: c })).rejects.toThrow();
    await expect(vault.reveal(actor, context, { name: 'garbage' })).rejects.toThrow(/unreadable/);
  });

  it('encrypts with a fresh nonce and never leaks the plaintext', () => {
    const vault = new Vault(key, recordingAudit().audit);
    const plain = '11010519491231002X';
    const a = vault.encrypt('idNumber', plain);
    const b = vault.encrypt('idNumber', plain);
    expect(a).not.toBe(b);
    for (const c of [a, b]) {
      expect(c).not.toContain(plain);
      expect(Buffer.from(c.split(':')[2]!, 'base64').toString('latin1')).not.toContain(plain);
      expect(c).not.toContain(Buffer.from(plain).toString('base64').slice(0, 12));
    }
  });

  it('gives a stable blind index per key, separated by field', () => {
    const vault = new Vault(key, recordingAudit().audit);
    const again = new Vault(Buffer.from(key), recordingAudit().audit);
    const other = new Vault(Buffer.alloc(32, 3), recordingAudit().audit);
    const x = vault.blindIndex('phone', '13812345678');
    expect(again.blindIndex('phone', '13812345678')).toBe(x);
    expect(vault.blindIndex('idNumber', '13812345678')).not.toBe(x);
    expect(vault.blindIndex('phone', '13812345679')).not.toBe(x);
    expect(other.blindIndex('phone', '13812345678')).not.toBe(x);
    expect(x).not.toContain('13812345678');
  });

  it('decrypts platform secrets without auditing', () => {
    const { audit, events } = recordingAudit();
    const vault = new Vault(key, audit);
    expect(vault.decryptSecret('totp', vault.encrypt('totp', 'JBSWY3DPEHPK3PXP'))).toBe('JBSWY3DPEHPK3PXP');
    expect(() => vault.decryptSecret('name', vault.encrypt('totp', 'JBSWY3DPEHPK3PXP'))).toThrow();
    expect(events).toHaveLength(0);
  });

  it("seals on a worker thread's Sealer exactly as the vault does: the vault reveals it, the index matches", async () => {
    const { audit } = recordingAudit();
    const vault = new Vault(key, audit);
    // As workerData hands them over: a structured clone, Uint8Array rather than Buffer.
    const sealer = new Sealer(structuredClone(vault.sealingKeys()));
    expect(await vault.reveal(actor, context, { name: sealer.encrypt('name', '王五') })).toEqual({ name: '王五' });
    expect(sealer.blindIndex('idNumber', '11010519491231002X')).toBe(
      vault.blindIndex('idNumber', '11010519491231002X'),
    );
    expect('reveal' in sealer).toBe(false);
  });
});
