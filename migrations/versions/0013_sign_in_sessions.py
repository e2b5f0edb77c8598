"""sign-in sessions a member can see and end; district sign-in (OpenID Connect)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 12:20:00.000000

Each signed-in browser gets a row, and its cookie carries the row's key: the profile lists a
member's browsers and ends any one of them. Cookies from before this revision carry no key
and stop working, so everyone signs in once more. A member's account at a district identity
provider is linked by (provider, subject); a district can require that sign-in.

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_sessions_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
        sa.UniqueConstraint('key_hash', name=op.f('uq_sign_in_sessions_key_hash')),
    )
    op.create_index(op.f('ix_sign_in_sessions_user_id'), 'sign_in_sessions', ['user_id'])
    op.create_table(
        'sso_identities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sso_identities_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identities')),
        sa.UniqueConstraint('provider', 'subject', name=op.f('uq_sso_identities_provider')),
    )
    op.create_index(op.f('ix_sso_identities_user_id'), 'sso_identities', ['user_id'])
    with op.batch_alter_table('districts') as batch_op:
        batch_op.add_column(sa.Column('require_sso', sa.Boolean(), server_default='0', nullable=False))
    with op.batch_alter_table('schools') as batch_op:
        batch_op.add_column(sa.Column('takes_new_sso_members', sa.Boolean(), server_default='0',
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('schools') as batch_op:
        batch_op.drop_column('takes_new_sso_members')
    with op.batch_alter_table('districts') as batch_op:
        batch_op.drop_column('require_sso')
    op.drop_index(op.f('ix_sso_identities_user_id'), table_name='sso_identities')
    op.drop_table('sso_identities')
    op.drop_index(op.f('ix_sign_in_sessions_user_id'), table_name='sign_in_sessions')
    op.drop_table('sign_in_sessions')
