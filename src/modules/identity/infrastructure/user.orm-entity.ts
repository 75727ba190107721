import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'users' })
@Check(
  'users_role_check',
  `role IN ('dispatcher', 'inspector', 'supervisor', 'prosecutor', 'admin')`,
)
export class UserOrmEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('text')
  username!: string;

  @Column('text', { name: 'password_hash' })
  passwordHash!: string;

  @Column('text')
  role!: string;

  @Column('uuid', { name: 'district_ids', array: true, default: () => `'{}'` })
  districtIds!: string[];

  @Column('boolean', { default: false })
  disabled!: boolean;

  @Column('integer', { name: 'token_version', default: 0 })
  tokenVersion!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
