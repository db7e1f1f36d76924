import { describe, expect, it } from 'vitest';
import { betterName, choosePhoneMatch } from './names.ts';

describe('betterName: the best name seen wins, a real one is never overwritten', () => {
  it('an email or a phone standing in for a name gives way to a real name', () => {
    expect(betterName('ada@example.com', 'Ada Obi')).toBe('Ada Obi');
    expect(betterName('0803 123 4567', 'Ada Obi')).toBe('Ada Obi');
    expect(betterName('+234 803 123 4567', 'Obi Stores Ltd.')).toBe('Obi Stores Ltd.');
  });

  it('a stand-in does not replace a stand-in, and a real name stays', () => {
    expect(betterName('ada@example.com', 'ada.obi@example.com')).toBeUndefined();
    expect(betterName('ada@example.com', '0803 123 4567')).toBeUndefined();
    expect(betterName('Ada Obi', 'Ada N. Obi')).toBeUndefined();
    expect(betterName('Ada Obi', 'ada@example.com')).toBeUndefined();
    expect(betterName('@home', 'Ada')).toBeUndefined(); // "@home" is someone's name, not an email
    expect(betterName('ada@example.com', undefined)).toBeUndefined();
  });

  it('a customer known only by their id in the source takes the name their record gives, whatever it is', () => {
    expect(betterName('Customer 0190a', 'Ada Obi', '0190a')).toBe('Ada Obi');
    expect(betterName('Customer 0190a', '+234', '0190a')).toBe('+234');
    expect(betterName('+234', 'Customer 0190a', '0190a')).toBeUndefined();
    expect(betterName('Customer 0190a', 'Ada Obi', 'other')).toBeUndefined();
  });
});

describe('choosePhoneMatch: which of the customers sharing a phone a row is', () => {
  const c = (id: string, name: string, ...emails: string[]) => ({ id, name, emails: new Set(emails) });
  const P = '+2348031234567';

  it('one customer: them, unless both the name and the email differ', () => {
    expect(choosePhoneMatch({ name: 'Ada Obi', emails: 0 }, P, [c('1', 'Ada Obi', 'ada@x.ng')])).toEqual({
      id: '1',
    });
    expect(choosePhoneMatch({ name: 'Chidi Obi', emails: 0 }, P, [c('1', 'Ada Obi', 'ada@x.ng')])).toEqual({
      id: '1',
      doubtful: 'the name "Chidi Obi" differs from "Ada Obi" (no email tells them apart)',
    });
    expect(choosePhoneMatch({ name: 'Chidi Obi', emails: 1 }, P, [c('1', 'Ada Obi', 'ada@x.ng')])).toEqual({
      warning: `shares the phone ${P} with "Ada Obi", but the name and email differ: added as a new customer (suggested as a possible duplicate)`,
    });
  });

  it('several: the one whose name matches, whoever is oldest', () => {
    const home = [c('1', 'Ada Obi', 'ada@x.ng'), c('2', 'Chidi Obi', 'chidi@x.ng'), c('3', 'Kemi Obi')];
    expect(choosePhoneMatch({ name: 'Obi, Chidi', emails: 0 }, P, home)).toEqual({
      id: '2',
      why: 'the name is the same, of 3 customers with this phone',
    });
    expect(choosePhoneMatch({ name: 'Kemi', emails: 1 }, P, home)).toEqual({
      id: '3',
      why: 'the name matches, of 3 customers with this phone',
    });
    // two with the same name: the one without another email, else the oldest, doubtful
    expect(
      choosePhoneMatch({ name: 'Ada Obi', emails: 1 }, P, [c('1', 'Ada Obi', 'a@x.ng'), c('2', 'Ada Obi')]),
    ).toEqual({ id: '2', why: 'the name is the same, of 2 customers with this phone' });
    expect(
      choosePhoneMatch({ name: 'Ada Obi', emails: 0 }, P, [c('1', 'Ada Obi'), c('2', 'Ada Obi')]),
    ).toEqual({
      id: '1',
      why: 'the name is the same, of 2 customers with this phone',
      doubtful: '"Ada Obi" and "Ada Obi" share this phone and the name: possible duplicates',
    });
  });

  it('several and none clearly the row: a new customer, suggested as a duplicate of each', () => {
    const home = [c('1', 'Ada Obi', 'ada@x.ng'), c('2', 'Chidi Obi', 'chidi@x.ng')];
    expect(choosePhoneMatch({ name: 'Ngozi Eze', emails: 1 }, P, home)).toEqual({
      warning: `shares the phone ${P} with "Ada Obi" and "Chidi Obi", and none of them is clearly "Ngozi Eze": added as a new customer (suggested as a possible duplicate of each)`,
    });
    // a row without a name cannot say which of them it is
    expect(choosePhoneMatch({ name: '0803 123 4567', emails: 0 }, P, home)).toMatchObject({
      warning: expect.stringContaining('none of them is clearly this row'),
    });
    // but one customer whose name was not known (named by the phone) is the row
    expect(choosePhoneMatch({ name: 'Ngozi Eze', emails: 0 }, P, [...home, c('3', '0803 123 4567')])).toEqual(
      { id: '3', why: 'their name was not known, of 3 customers with this phone' },
    );
  });
});
