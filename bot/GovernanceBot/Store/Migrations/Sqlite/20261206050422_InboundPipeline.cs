using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InboundPipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Attempts",
                table: "InboundEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ConversationKey",
                table: "InboundEvents",
                type: "TEXT",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "InboundEvents",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "LeaseOwner",
                table: "InboundEvents",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LeaseUntil",
                table: "InboundEvents",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextAttemptAt",
                table: "InboundEvents",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "PayloadJson",
                table: "InboundEvents",
                type: "TEXT",
                maxLength: 1100000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResponseJson",
                table: "InboundEvents",
                type: "TEXT",
                maxLength: 200000,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboundEvents_Status_NextAttemptAt",
                table: "InboundEvents",
                columns: new[] { "Status", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_InboundEvents_Status_NextAttemptAt",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "Attempts",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "ConversationKey",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "LeaseOwner",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "LeaseUntil",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "PayloadJson",
                table: "InboundEvents");

            migrationBuilder.DropColumn(
                name: "ResponseJson",
                table: "InboundEvents");
        }
    }
}
