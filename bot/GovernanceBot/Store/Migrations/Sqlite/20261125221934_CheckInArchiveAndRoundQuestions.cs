using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CheckInArchiveAndRoundQuestions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ArchivedAt",
                table: "CheckIns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "QuestionsJson",
                table: "CheckInRounds",
                type: "TEXT",
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
