using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SelfApprovalAndAuditChain : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SelfApprovalKinds",
                table: "Programs",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "Audit",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Seq",
                table: "Audit",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Audit_WorkspaceId_Seq",
                table: "Audit",
                columns: new[] { "WorkspaceId", "Seq" },
                unique: true);

            // Append-only in the database itself, not only in EF's change tracker. The one update
            // allowed gives an entry written before this migration its place in the chain (done on
            // the first start, AuditChain.SealUnsealedAsync) and changes nothing else. SQLite drops a
            // table's triggers when EF rebuilds the table: a later migration that rebuilds "Audit"
            // must create these again.
            migrationBuilder.Sql("""
                CREATE TRIGGER "Audit_NoDelete" BEFORE DELETE ON "Audit"
                BEGIN
                    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be deleted');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Audit_NoUpdate" BEFORE UPDATE ON "Audit"
                WHEN OLD."Hash" IS NOT NULL OR NEW."Hash" IS NULL OR NEW."Seq" IS NULL
                    OR NEW."Id" IS NOT OLD."Id" OR NEW."WorkspaceId" IS NOT OLD."WorkspaceId" OR NEW."ProgramId" IS NOT OLD."ProgramId"
                    OR NEW."At" IS NOT OLD."At" OR NEW."Actor" IS NOT OLD."Actor" OR NEW."Channel" IS NOT OLD."Channel"
                    OR NEW."Action" IS NOT OLD."Action" OR NEW."Subject" IS NOT OLD."Subject"
                    OR NEW."Before" IS NOT OLD."Before" OR NEW."After" IS NOT OLD."After"
                BEGIN
                    SELECT RAISE(ABORT, 'the audit log is append-only: entries cannot be changed');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Audit_SealedInsert" BEFORE INSERT ON "Audit"
                WHEN NEW."Hash" IS NULL OR NEW."Seq" IS NULL
                BEGIN
                    SELECT RAISE(ABORT, 'an audit entry is inserted with its place in the chain (Seq and Hash)');
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Audit_SealedInsert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Audit_NoUpdate";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Audit_NoDelete";""");

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
