using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ChatUserMembership : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Membership",
                table: "ChatUsers",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                // Existing rows are people the platform has not yet described: "Unknown" parses back
                // into the enum (an empty string would not), and the next lookup fills it in.
                defaultValue: "Unknown");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "MembershipCheckedAt",
                table: "ChatUsers",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Membership",
                table: "ChatUsers");

            migrationBuilder.DropColumn(
                name: "MembershipCheckedAt",
                table: "ChatUsers");
        }
    }
}
