using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ClaimIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_InboundEvents_Status_NextAttemptAt",
                table: "InboundEvents");

            migrationBuilder.CreateIndex(
                name: "IX_InboundEvents_Status_LeaseUntil_NextAttemptAt",
                table: "InboundEvents",
                columns: new[] { "Status", "LeaseUntil", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_InboundEvents_Status_LeaseUntil_NextAttemptAt",
                table: "InboundEvents");

            migrationBuilder.CreateIndex(
                name: "IX_InboundEvents_Status_NextAttemptAt",
                table: "InboundEvents",
                columns: new[] { "Status", "NextAttemptAt" });
        }
    }
}
