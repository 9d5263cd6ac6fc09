using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SelfApprovalAndAuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "SelfApprovalKinds",
                table: "Programs",
                type: "text[]",
                nullable: false,
                // Existing programs allow no self-approval.
                defaultValueSql: "ARRAY[]::text[]");

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "Audit",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Seq",
                table: "Audit",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Audit_WorkspaceId_Seq",
                table: "Audit",
                columns: new[] { "WorkspaceId", "Seq" },
                unique: true);

            // Append-only in the database itself, not only in EF's change tracker. The one update
            // allowed gives an entry written before this migration its place in the chain (done on
            // the first start, AuditChain.SealUnsealedAsync) and changes nothing else.
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND OLD."Hash" IS NULL AND NEW."Hash" IS NOT NULL AND NEW."Seq" IS NOT NULL
                        AND (NEW."Id", NEW."WorkspaceId", NEW."ProgramId", NEW."At", NEW."Actor", NEW."Channel", NEW."Action", NEW."Subject", NEW."Before", NEW."After")
                            IS NOT DISTINCT FROM
                            (OLD."Id", OLD."WorkspaceId", OLD."ProgramId", OLD."At", OLD."Actor", OLD."Channel", OLD."Action", OLD."Subject", OLD."Before", OLD."After")
                    THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Audit_AppendOnly" BEFORE UPDATE OR DELETE ON "Audit"
                FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Audit_NoTruncate" BEFORE TRUNCATE ON "Audit"
                FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
                """);
            migrationBuilder.Sql("""
                CREATE FUNCTION audit_require_seal() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW."Hash" IS NULL OR NEW."Seq" IS NULL THEN
                        RAISE EXCEPTION 'an audit entry is inserted with its place in the chain (Seq and Hash)';
                    END IF;
                    RETURN NEW;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Audit_SealedInsert" BEFORE INSERT ON "Audit"
                FOR EACH ROW EXECUTE FUNCTION audit_require_seal();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Audit_SealedInsert" ON "Audit";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Audit_NoTruncate" ON "Audit";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Audit_AppendOnly" ON "Audit";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_require_seal();");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS audit_refuse_change();");

            migrationBuilder.DropIndex(
                name: "IX_Audit_WorkspaceId_Seq",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "SelfApprovalKinds",
                table: "Programs");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "Audit");

            migrationBuilder.DropColumn(
                name: "Seq",
                table: "Audit");
        }
    }
}
