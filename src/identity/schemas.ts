import { Type } from 'typebox';
import { StringEnum } from '../platform/schema.ts';
import { ROLES } from './roles.ts';

export const RoleSchema = StringEnum(ROLES, { description: 'a role of MISSION.md' });

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    username: Type.String(),
    displayName: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(RoleSchema),
    disabled: Type.Boolean(),
    totpEnabled: Type.Boolean(),
    lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);

export const UsernameSchema = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$', description: '3 to 64 letters, digits, dots, dashes or underscores' });
export const PasswordSchema = Type.String({ minLength: 1, maxLength: 256 });
export const OtpSchema = Type.String({ pattern: '^[0-9]{6}$' });

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: PasswordSchema, otp: Type.Optional(OtpSchema) },
  { additionalProperties: false },
);

export const SessionSchema = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  user: UserSchema,
});

export const NewUserBody = Type.Object(
  {
    username: UsernameSchema,
    displayName: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.Optional(Type.Union([Type.String({ format: 'email', maxLength: 254 }), Type.Null()])),
    password: Type.Optional(Type.String({ minLength: 12, maxLength: 256 })),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 7, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const NewUserResult = Type.Object({
  user: UserSchema,
  /** Present only when the node generated the password; shown once, never stored in clear. */
  generatedPassword: Type.Optional(Type.String()),
});

export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
export const UserRoleParams = Type.Object({ id: Type.String({ format: 'uuid' }), role: RoleSchema }, { additionalProperties: false });

export const UserListQuery = Type.Object(
  {
    role: Type.Optional(RoleSchema),
    q: Type.Optional(Type.String({ maxLength: 64 })),
    includeDisabled: Type.Optional(Type.Boolean({ default: false })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const UserList = Type.Object({ items: Type.Array(UserSchema), total: Type.Integer() });

export const PasswordChangeBody = Type.Object(
  { currentPassword: PasswordSchema, newPassword: Type.String({ minLength: 12, maxLength: 256 }) },
  { additionalProperties: false },
);

export const TotpEnrolment = Type.Object({ secret: Type.String(), uri: Type.String() });
export const TotpCodeBody = Type.Object({ otp: OtpSchema }, { additionalProperties: false });
export const NoBody = Type.Object({}, { additionalProperties: false });
