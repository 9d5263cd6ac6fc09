using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SelfApprovalKinds : Migration
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SelfApprovalKinds",
                table: "Programs");
        }
    }
}
