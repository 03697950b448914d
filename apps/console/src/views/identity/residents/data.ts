/** GB 11643 shape only (18 characters, last may be X); the server checks region, date and check digit. */
export const ID_NUMBER_SHAPE = /^\d{17}[\dXx]$/;

export const columns = [
  { prop: 'name', label: 'residents.fields.name', width: 120 },
  { prop: 'idNumber', label: 'residents.fields.idNumber', width: 210 },
  { prop: 'phone', label: 'residents.fields.phone', width: 140 },
  { prop: 'gender', label: 'residents.fields.gender', width: 90 },
  { prop: 'birthYear', label: 'residents.fields.birthYear', width: 110 },
  { prop: 'region', label: 'residents.fields.region', minWidth: 180 },
] as const;
