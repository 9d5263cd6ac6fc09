using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CardMessageConversation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CardMessages_Channel_MessageId",
                table: "CardMessages");

            migrationBuilder.AddColumn<string>(
                name: "ConversationId",
                table: "CardMessages",
                type: "character varying(400)",
                maxLength: 400,
                nullable: false,
                defaultValue: "");

            // Cards posted before: their conversation is in the reference stored with them.
            migrationBuilder.Sql("""
                UPDATE "CardMessages" SET "ConversationId" = COALESCE(("ConversationJson"::jsonb)->>'conversationId', '');
                """);

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_Channel_ConversationId_MessageId",
                table: "CardMessages",
                columns: new[] { "Channel", "ConversationId", "MessageId" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_CardMessages_Channel_ConversationId_MessageId",
                table: "CardMessages");

            migrationBuilder.DropColumn(
                name: "ConversationId",
                table: "CardMessages");

            migrationBuilder.CreateIndex(
                name: "IX_CardMessages_Channel_MessageId",
                table: "CardMessages",
                columns: new[] { "Channel", "MessageId" },
                unique: true);
        }
    }
}
