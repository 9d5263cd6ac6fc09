using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CheckInArchiveAndRoundQuestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ArchivedAt",
                table: "CheckIns",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "QuestionsJson",
                table: "CheckInRounds",
                type: "character varying(64000)",
                maxLength: 64000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ArchivedAt",
                table: "CheckIns");

            migrationBuilder.DropColumn(
                name: "QuestionsJson",
                table: "CheckInRounds");
        }
    }
}
