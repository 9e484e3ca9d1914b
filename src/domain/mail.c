/* Outgoing e-mail, the sender: takes the due messages of the queue one by one, formats each
 * and hands it to the mail command, and records how that went. */
#include "domain/mail.h"
#include "domain/mail_command.h"
#include "domain/settings.h"
#include "util/buf.h"
#include "util/config.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

enum { ERROR_MAX = 200 };

int mail_send_due(struct db *db, const struct mail_config *config, time_t now, int max)
{
    int sent = 0;
    for (int i = 0; i < max; i++) {
        struct mail_outgoing msg;
        int claimed = mail_queue_claim(db, now, &msg);
        if (claimed <= 0) {
            if (claimed < 0)
                sent = -1;
            break;
        }
        /* Date and Message-ID come from the queueing time, so a retry is the same message
         * and a receiver can recognise a duplicate. */
        struct buf message = {0};
        mail_format_message(&message, config ? config->from : NULL, msg.reply_to,
                            msg.list_unsubscribe, msg.created_at, msg.id, msg.to, msg.subject,
                            msg.body);
        mail_to_local_line_ends(&message);
        char error[ERROR_MAX] = "";
        bool ok = mail_command_run(config ? config->command : NULL, message.data, message.len,
                                   error, sizeof error);
        buf_free(&message);
        if (!ok)
            log_error("mail: message %lld (attempt %lld) not sent: %s", msg.id,
                      (long long)msg.attempts + 1, error);
        bool recorded = mail_queue_record(db, now, &msg, ok, error);
        mail_outgoing_free(&msg);
        if (!recorded) {
            sent = -1;
            break;
        }
        if (ok)
            sent++;
    }
    return sent;
}

void mail_sender_from(struct db *db, const struct config *config, char *out, size_t size)
{
    if (config->mail_from[0]) {
        snprintf(out, size, "%s", config->mail_from);
        return;
    }
    json_t *settings = settings_all(db);
    snprintf(out, size, "%s <%s>",
             json_string_value(json_object_get(settings, "site_naam")) ?: config->site_naam,
             json_string_value(json_object_get(settings, "contact_email"))
                 ?: config->contact_email);
    json_decref(settings);
}
