using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RaidAndDecisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<string>>(
                name: "Alternatives",
                table: "DecisionLog",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<List<string>>(
                name: "DecidedBy",
                table: "DecisionLog",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<string>(
                name: "Key",
                table: "DecisionLog",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<List<string>>(
                name: "Links",
                table: "DecisionLog",
                type: "text[]",
                nullable: false,
                defaultValueSql: "'{}'");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RecordedAt",
                table: "DecisionLog",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RecordedBy",
                table: "DecisionLog",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "DecisionLog",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                // Entries logged before recorded decisions existed are approvals' decisions: they stand.
                defaultValue: "Active");

            migrationBuilder.AddColumn<Guid>(
                name: "SupersededById",
                table: "DecisionLog",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SupersedesId",
                table: "DecisionLog",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RaidItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Title = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    Probability = table.Column<int>(type: "integer", nullable: true),
                    Impact = table.Column<int>(type: "integer", nullable: true),
                    Response = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    DependsOn = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    DependsOnProgramId = table.Column<Guid>(type: "uuid", nullable: true),
                    EscalatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SourceResponseId = table.Column<Guid>(type: "uuid", nullable: true),
                    LinkedItemId = table.Column<Guid>(type: "uuid", nullable: true),
                    RaisedBy = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ClosedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RaidItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_RaidItems_Programs_DependsOnProgramId",
                        column: x => x.DependsOnProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_RaidItems_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RaidItems_Stakeholders_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DecisionLog_ProgramId_Key",
                table: "DecisionLog",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RaidItems_DependsOnProgramId",
                table: "RaidItems",
                column: "DependsOnProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_RaidItems_OwnerId",
                table: "RaidItems",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_RaidItems_ProgramId_Key",
                table: "RaidItems",
                columns: new[] { "ProgramId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_RaidItems_ProgramId_Status",
                table: "RaidItems",
                columns: new[] { "ProgramId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RaidItems");

            migrationBuilder.DropIndex(
                name: "IX_DecisionLog_ProgramId_Key",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "Alternatives",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "DecidedBy",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "Key",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "Links",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "RecordedAt",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "RecordedBy",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "SupersededById",
                table: "DecisionLog");

            migrationBuilder.DropColumn(
                name: "SupersedesId",
                table: "DecisionLog");
        }
    }
}
