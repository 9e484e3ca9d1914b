-- Demo data for `buurtsamen init --demo`: municipality Almelo.
-- Runs inside one transaction on a fresh database that already has the schema.
-- All people, e-mail addresses and phone numbers are fictional.
-- Dates are relative to the moment this file runs.

-- ---------------------------------------------------------------------------
-- Settings
-- ---------------------------------------------------------------------------
INSERT INTO settings (key, value) VALUES
  ('gemeente_naam', 'Almelo'),
  ('site_naam', 'Almelo Buurt Samen'),
  ('voucher_cents', '750'),
  ('basis_url', 'http://127.0.0.1:8080'),
  ('contact_email', 'buurtsamen@almelo.example'),
  ('tijdzone', 'Europe/Amsterdam'),
  ('streef_min_cents', '5000'),
  ('streef_max_cents', '500000'),
  ('mede_organisatoren', '2');

-- ---------------------------------------------------------------------------
-- Areas: wijken (1-9), dorpen (10-12), buurten (13-18)
-- ---------------------------------------------------------------------------
INSERT INTO areas (id, parent_id, kind, slug, name, description, venue_name, venue_address,
                   director_name, director_email, director_phone) VALUES
  (1, NULL, 'wijk', 'binnenstad', 'Binnenstad',
   'Het hart van Almelo, met de Grotestraat, de markt en de Almelose Aa die weer door het centrum stroomt. Hier wonen jong en oud boven winkels, in hofjes en in nieuwe appartementen langs het water. Bewoners en ondernemers werken samen aan een levendige en groene binnenstad.',
   'de Goossenmaat', 'Nieuwstraat 140, 7605 AG Almelo',
   'Sanne Kuipers', 's.kuipers@almelo.example', '0546 54 12 11'),
  (2, NULL, 'wijk', 'windmolenbroek', 'Windmolenbroek',
   'Een groene wijk in het noorden van Almelo met veel jonge gezinnen, brede lanen en speelveldjes tussen de huizen. In wijkcentrum Möll''nwiek komen buurtbewoners samen voor koffie, sport en cursussen.',
   'Möll''nwiek', 'Windmolenbroeksweg 2, 7608 SG Almelo',
   'Martijn Hofstede', 'm.hofstede@almelo.example', '0546 54 12 12'),
  (3, NULL, 'wijk', 'sluitersveld', 'Sluitersveld',
   'Sluitersveld ligt in het zuidoosten van de stad en is een van de meest gemengde wijken van Almelo. MFA Eninver is de ontmoetingsplek voor jong en oud, met een sporthal, een buurthuiskamer en ruimte voor verenigingen.',
   'MFA Eninver', 'Sluitersveldssingel 33, 7604 EA Almelo',
   'Ingrid Nijhuis', 'i.nijhuis@almelo.example', '0546 54 12 13'),
  (4, NULL, 'wijk', 'de-riet', 'De Riet',
   'De Riet is een wijk vol karakter, met oude arbeiderswoningen, nieuwbouw en veel kinderen op straat. Buurtcentrum ''t Dok is het kloppend hart: van huiswerkbegeleiding tot klaverjassen. Bewoners pakken hier graag zelf dingen op.',
   '''t Dok', 'Rietstraat 21, 7601 CK Almelo',
   'Ruud Oude Egberink', 'r.oudeegberink@almelo.example', '0546 54 12 14'),
  (5, NULL, 'wijk', 'nieuwstraatkwartier', 'Nieuwstraatkwartier',
   'Het Nieuwstraatkwartier grenst aan de binnenstad en kent smalle straten met karakteristieke rijtjeshuizen uit de textieltijd. De Goossenmaat is de wijkaccommodatie die het kwartier deelt met de Binnenstad. Geveltuintjes en straatfeesten horen hier bij het straatbeeld.',
   'de Goossenmaat', 'Nieuwstraat 140, 7605 AG Almelo',
   'Sanne Kuipers', 's.kuipers@almelo.example', '0546 54 12 11'),
  (6, NULL, 'wijk', 'ossenkoppelerhoek', 'Ossenkoppelerhoek',
   'Ossenkoppelerhoek is een ruim opgezette wijk met veel groen, waterpartijen en wandelpaden. In de Schöppe vinden activiteiten plaats voor alle leeftijden, van peuterochtend tot seniorengym.',
   'de Schöppe', 'Steenstraat 56, 7602 LX Almelo',
   'Ruud Oude Egberink', 'r.oudeegberink@almelo.example', '0546 54 12 14'),
  (7, NULL, 'wijk', 'schelfhorst', 'Schelfhorst',
   'Schelfhorst is een jonge wijk aan de westkant van Almelo, met veel gezinnen en een actieve bewonersvereniging. Wijkcentrum de Schelf is de vaste plek voor buurtvergaderingen, cursussen en kinderactiviteiten.',
   'de Schelf', 'Schelfhorstweg 85, 7608 GP Almelo',
   'Yasmina Bouzid', 'y.bouzid@almelo.example', '0546 54 12 15'),
  (8, NULL, 'wijk', 'wierdensehoek', 'Wierdensehoek',
   'De Wierdensehoek ligt langs de uitvalsweg naar Wierden en mengt oudere woonstraten met nieuwe woningen. In de Driehoek kunnen bewoners terecht voor een kop koffie, een spelletjesmiddag of advies over geldzaken.',
   'de Driehoek', 'Wierdensestraat 214, 7604 BS Almelo',
   'Ingrid Nijhuis', 'i.nijhuis@almelo.example', '0546 54 12 13'),
  (9, NULL, 'wijk', 'kerkelanden', 'Kerkelanden',
   'Kerkelanden is een rustige wijk met veel ouderen en een groeiende groep jonge gezinnen. De Trefhoek biedt een huiskamer voor de buurt, met koffieochtenden, een eettafel en een klussendienst.',
   'de Trefhoek', 'Kerkelandenweg 18, 7603 DE Almelo',
   'Martijn Hofstede', 'm.hofstede@almelo.example', '0546 54 12 12'),
  (10, NULL, 'dorp', 'aadorp', 'Aadorp',
   'Aadorp is een hecht dorp ten noorden van Almelo, tussen het kanaal en de weilanden. Dorpshuis ''t Aahoes is de plek voor het dorpsfeest, de kaartclub en de jaarlijkse rommelmarkt.',
   '''t Aahoes', 'Aadorpweg 118, 7611 AP Aadorp',
   'Henk Brinkhuis', 'h.brinkhuis@almelo.example', '0546 54 12 16'),
  (11, NULL, 'dorp', 'bornerbroek', 'Bornerbroek',
   'Bornerbroek is een levendig kerkdorp ten oosten van Almelo met een rijk verenigingsleven. In ''t Brookshoes komen de muziekvereniging, de jeugdsoos en de toneelclub samen.',
   '''t Brookshoes', 'Almelosestraat 16, 7627 PA Bornerbroek',
   'Henk Brinkhuis', 'h.brinkhuis@almelo.example', '0546 54 12 16'),
  (12, NULL, 'dorp', 'mariaparochie', 'Mariaparochie',
   'Mariaparochie is het kleinste dorp van de gemeente, omringd door boerenland en bosjes. Een eigen dorpshuis is er niet; activiteiten vinden plaats in de school, de kerk of op het erf van een van de boerderijen.',
   '', '',
   'Henk Brinkhuis', 'h.brinkhuis@almelo.example', '0546 54 12 16'),
  (13, 2, 'buurt', 'molenveld', 'Molenveld',
   'Het Molenveld is het oudste deel van Windmolenbroek, rond het grote grasveld waar vroeger de molen stond. Veel bewoners wonen hier al tientallen jaren.',
   'Möll''nwiek', 'Windmolenbroeksweg 2, 7608 SG Almelo',
   'Martijn Hofstede', 'm.hofstede@almelo.example', '0546 54 12 12'),
  (14, 2, 'buurt', 'wiekenbuurt', 'Wiekenbuurt',
   'De Wiekenbuurt bestaat uit hofjes met eengezinswoningen en veel speelplekken. Er wonen opvallend veel jonge kinderen.',
   'Möll''nwiek', 'Windmolenbroeksweg 2, 7608 SG Almelo',
   'Martijn Hofstede', 'm.hofstede@almelo.example', '0546 54 12 12'),
  (15, 4, 'buurt', 'riet-noord', 'Riet-Noord',
   'Riet-Noord ligt tussen de Rietstraat en het spoor, met smalle straten en veel oude arbeiderswoningen. De buurt staat bekend om haar straatfeesten.',
   '''t Dok', 'Rietstraat 21, 7601 CK Almelo',
   'Ruud Oude Egberink', 'r.oudeegberink@almelo.example', '0546 54 12 14'),
  (16, 4, 'buurt', 'riet-zuid', 'Riet-Zuid',
   'Riet-Zuid is het groenere deel van De Riet, met een speeltuin, een trapveld en een volkstuinencomplex aan de rand.',
   '''t Dok', 'Rietstraat 21, 7601 CK Almelo',
   'Ruud Oude Egberink', 'r.oudeegberink@almelo.example', '0546 54 12 14'),
  (17, 7, 'buurt', 'schelfhorst-oost', 'Schelfhorst-Oost',
   'Schelfhorst-Oost ligt rond het centrale pleintje met de speeltoestellen. Bewoners kennen elkaar vaak van het schoolplein.',
   'de Schelf', 'Schelfhorstweg 85, 7608 GP Almelo',
   'Yasmina Bouzid', 'y.bouzid@almelo.example', '0546 54 12 15'),
  (18, 7, 'buurt', 'schelfhorst-west', 'Schelfhorst-West',
   'Schelfhorst-West grenst aan het buitengebied en heeft brede groenstroken en een vijver. Hier wonen veel gezinnen met kinderen op de basisschoolleeftijd.',
   'de Schelf', 'Schelfhorstweg 85, 7608 GP Almelo',
   'Yasmina Bouzid', 'y.bouzid@almelo.example', '0546 54 12 15');

-- ---------------------------------------------------------------------------
-- Initiatives
--   1-16 open, 17-21 gefinancierd, 22-25 uitgevoerd, 26-28 ingediend,
--   29-30 wijziging_gevraagd, 31-32 afgewezen, 33 ingetrokken, 34-35 niet_gehaald.
--   raised_cents is always written as voucher_count * 750.
-- ---------------------------------------------------------------------------
INSERT INTO initiatives (id, area_id, title, summary, description, target_cents, raised_cents,
                         voucher_count, planned_date, deadline, photo, initiator_name,
                         initiator_email, initiator_phone, co_organisers, state, state_reason,
                         created_at, published_at, updated_at) VALUES
-- ---- open ----------------------------------------------------------------
  (1, 1, 'Kerstmarkt voor en door bewoners in de Binnenstad',
   'Een gezellige kerstmarkt met kramen van buurtbewoners, een knutselhoek voor kinderen en warme chocolademelk. Geen commercie, wel ontmoeting.',
   'Elk jaar is het in december druk in de winkelstraten, maar echt samenkomen doen we als buurtbewoners nauwelijks. Daarom willen we op een zaterdagmiddag een kleine kerstmarkt houden op het pleintje achter de Grotestraat, helemaal georganiseerd door bewoners.

Buren verkopen zelfgemaakte kerstkransen, koekjes en breiwerk; de opbrengst van de kramen gaat naar de voedselbank. Voor kinderen is er een knutselhoek waar ze kerststukjes en lampionnen maken, en iedereen krijgt een beker warme chocolademelk.

Met de vouchers huren we de kramen en de verlichting en betalen we de materialen voor de kinderen. Wilt u een kraam of helpt u mee met op- en afbouwen? Laat het ons weten via de wijkregisseur.',
   125000, 166 * 750, 166,
   CASE WHEN date('now', '+16 days') <= strftime('%Y', 'now') || '-12-13'
        THEN strftime('%Y', 'now') || '-12-13'
        ELSE (CAST(strftime('%Y', 'now') AS INTEGER) + 1) || '-12-13' END,
   datetime('now', '+25 days'), NULL,
   'Marloes ter Horst', 'marloes.terhorst@example.org', '06 21436587', 4, 'open', '',
   datetime('now', '-34 days'), datetime('now', '-30 days'), datetime('now', '-5 days')),

  (2, 2, 'Buurtbarbecue Windmolenbroek',
   'Een zomerse barbecue op het grasveld aan de Windmolenbroeksweg, voor iedereen uit de wijk. Met vegetarische hapjes, spelletjes voor de kinderen en muziek van de buren.',
   'Sinds de verbouwing van de school zien we elkaar minder op straat. Een buurtbarbecue is de makkelijkste manier om nieuwe buren te leren kennen en oude bekenden weer eens te spreken.

We zetten twee grote barbecues neer op het grasveld naast Möll''nwiek, met lange tafels en stoelen. Er is vlees, vis en genoeg vegetarisch eten, en de kinderen kunnen meedoen aan een zaklopen-wedstrijd.

Iedereen is welkom, ook als u geen voucher hebt gedoneerd. Neem gerust een salade of een toetje mee om te delen.',
   60000, 78 * 750, 78,
   CASE WHEN date('now', '+30 days') <= strftime('%Y', 'now') || '-06-20'
        THEN strftime('%Y', 'now') || '-06-20'
        ELSE (CAST(strftime('%Y', 'now') AS INTEGER) + 1) || '-06-20' END,
   datetime('now', '+21 days'), NULL,
   'Sandra Leferink', 'sandra.leferink@example.org', '06 38271645', 3, 'open', '',
   datetime('now', '-26 days'), datetime('now', '-22 days'), datetime('now', '-1 days')),

  (3, 13, 'Jeu-de-boulesbaan bij het Molenveld',
   'Een echte jeu-de-boulesbaan met twee bankjes aan de rand van het Molenveld, zodat buren van alle leeftijden elkaar ontmoeten. Onderhoud doen we zelf.',
   'Op het Molenveld staat al jaren een bankje waar ouderen zitten te kijken naar spelende kinderen. Wij willen daar iets aan toevoegen waar iedereen aan mee kan doen: een jeu-de-boulesbaan van twaalf bij drie meter.

De gemeente heeft aangegeven dat de plek geschikt is. Een hovenier uit de buurt graaft de baan uit en brengt gravel en kantplanken aan; wij plaatsen samen de bankjes en een bordje met de spelregels.

Een set boules ligt straks in Möll''nwiek, zodat u die kunt lenen. Op woensdagmiddag en zaterdagochtend willen we vaste speelmomenten houden voor iedereen die mee wil doen.',
   240000, 95 * 750, 95,
   date('now', '+75 days'), datetime('now', '+48 days'), NULL,
   'Herman Bouwhuis', 'herman.bouwhuis@example.org', '06 14725836', 5, 'open', '',
   datetime('now', '-19 days'), datetime('now', '-15 days'), datetime('now', '-2 days')),

  (4, 3, 'Plantenbakken langs de Sluitersveldssingel',
   'Acht grote plantenbakken met bloeiende planten maken de singel groener en gezelliger. Bewoners uit de flats geven de planten om beurten water.',
   'De Sluitersveldssingel is een brede, maar nogal kale straat. Met acht grote houten plantenbakken voor de portieken willen we er meer kleur en groen in brengen, ook voor bijen en vlinders.

Per bak zoeken we twee bewoners die de planten water geven. Daarvoor kopen we ook gieters en wat tuingereedschap, dat we bewaren in MFA Eninver.

In het voorjaar planten we de bakken samen in, met koffie en iets lekkers voor iedereen die helpt.',
   90000, 64 * 750, 64,
   date('now', '+50 days'), datetime('now', '+35 days'), NULL,
   'Nadia Amrani', 'nadia.amrani@example.org', '06 52418376', 3, 'open', '',
   datetime('now', '-16 days'), datetime('now', '-13 days'), datetime('now', '-3 days')),

  (5, 4, 'Speeltuin aan de Rietstraat weer veilig en vrolijk',
   'Een opknapbeurt voor de buurtspeeltuin: nieuwe schommelzittingen, verse valondergrond, een nieuwe zandbak en een likje verf. Samen met de kinderen op een grote werkdag.',
   'De speeltuin achter de Rietstraat is de favoriete plek van de kinderen in De Riet, maar hij is flink verouderd. De schommels piepen, de verf bladdert en onder het klimrek ligt nog maar weinig valondergrond.

Op een zaterdag gaan we met buren en kinderen aan de slag: schuren, schilderen, nieuwe schommelzittingen ophangen en de zandbak vervangen. De houtsnippers voor de valondergrond worden door een leverancier gestort, zodat alles aan de veiligheidseisen voldoet.

Voor de vrijwilligers zorgen we voor koffie en lunch. Wie niet kan klussen, kan helpen met soep maken of kinderen bezighouden.',
   350000, 465 * 750, 465,
   date('now', '+40 days'), datetime('now', '+12 days'), NULL,
   'Joost Veldhuis', 'joost.veldhuis@example.org', '06 27384950', 5, 'open', '',
   datetime('now', '-52 days'), datetime('now', '-47 days'), datetime('now', '-1 days')),

  (6, 5, 'Repair Café in de Goossenmaat',
   'Eén zaterdag per maand repareren vrijwilligers samen met bewoners kapotte spullen: broodroosters, fietsverlichting, kleding en speelgoed. Weggooien is zonde.',
   'In het Nieuwstraatkwartier wonen veel handige mensen, en er worden veel spullen weggegooid die met een beetje hulp nog jaren mee kunnen. Een Repair Café brengt die twee samen.

Elke eerste zaterdag van de maand staan in de Goossenmaat tafels klaar voor elektrische apparaten, kleding, fietsen en speelgoed. U repareert samen met een vrijwilliger, zodat u er ook iets van leert. Meer over hoe een Repair Café werkt leest u op https://www.example.org/repaircafe-almelo.

Met de vouchers kopen we een goede gereedschapskist, een soldeerstation, een tweedehands naaimachine en klein materiaal. Koffie en thee staan altijd klaar.',
   75000, 99 * 750, 99,
   date('now', '+30 days'), datetime('now', '+14 days'), NULL,
   'Wilma Hesselink', 'wilma.hesselink@example.org', '', 3, 'open', '',
   datetime('now', '-40 days'), datetime('now', '-36 days'), datetime('now', '-1 days')),

  (7, 6, 'Moestuin voor de buurt bij de Schöppe',
   'Zes moestuinbakken naast de Schöppe waar buren samen groenten en kruiden kweken. Kinderen van de basisschool krijgen een eigen bak.',
   'Naast de Schöppe ligt een stuk gras dat bijna niet gebruikt wordt. Wij willen daar een buurtmoestuin maken met zes houten bakken op werkhoogte, zodat ook ouderen en mensen met een rolstoel mee kunnen tuinieren.

Eén bak is voor de kinderen van de basisschool, die er in het voorjaar komen zaaien. De oogst delen we met de deelnemers en de rest gaat naar de buurtmaaltijd in de Schöppe.

Er komt een regenton en een laag hek om konijnen buiten te houden. Ervaren tuiniers uit de wijk geven tips aan beginners.',
   180000, 112 * 750, 112,
   date('now', '+60 days'), datetime('now', '+40 days'), NULL,
   'Hatice Demir', 'hatice.demir@example.org', '06 61728394', 4, 'open', '',
   datetime('now', '-22 days'), datetime('now', '-18 days'), datetime('now', '-2 days')),

  (8, 7, 'AED-cursus voor buurtbewoners in Schelfhorst',
   'Twee avonden reanimatie- en AED-training in de Schelf, voor twintig buurtbewoners. Zo zijn er bij een hartstilstand altijd mensen in de buurt die kunnen helpen.',
   'Sinds vorig jaar hangt er een AED aan de gevel van de Schelf, maar weinig bewoners weten hoe u hem gebruikt. Bij een hartstilstand telt elke minuut, en de ambulance is er niet altijd binnen zes minuten.

Een gecertificeerde instructeur geeft op twee avonden een cursus reanimatie en AED-gebruik aan twintig bewoners. Deelnemers krijgen een certificaat en kunnen zich daarna aanmelden als burgerhulpverlener.

De cursus is gratis voor bewoners van Schelfhorst. Vol? Dan zetten we u op de lijst voor een volgende ronde.',
   64000, 84 * 750, 84,
   date('now', '+28 days'), datetime('now', '+10 days'), NULL,
   'Ruben Kamphuis', 'ruben.kamphuis@example.org', '06 19283746', 2, 'open', '',
   datetime('now', '-45 days'), datetime('now', '-41 days'), datetime('now', '-1 days')),

  (9, 17, 'Buurtbibliotheekje op het pleintje',
   'Een zelfgebouwd kastje op een paal waar u boeken kunt ruilen: neem er een mee, zet er een terug. Voor kinderboeken, romans en kookboeken.',
   'Op het pleintje in Schelfhorst-Oost komen elke dag ouders en kinderen langs. Een buurtbibliotheekje met een deurtje tegen de regen is daar een mooie aanvulling.

We bouwen het kastje zelf, met hulp van een buurman die timmerman is. Het wordt geverfd door de kinderen van de straat en op een stevige paal gezet.

De eerste planken vullen we met boeken die we samen verzamelen en een paar nieuwe kinderboeken.',
   35000, 20 * 750, 20,
   date('now', '+55 days'), datetime('now', '+44 days'), NULL,
   'Femke de Vries', 'femke.devries@example.org', '06 47362518', 2, 'open', '',
   datetime('now', '-10 days'), datetime('now', '-7 days'), datetime('now', '-2 days')),

  (10, 8, 'Koningsdag in de Wierdensehoek: vrijmarkt en oudhollandse spelletjes',
   'Een vrijmarkt voor kinderen, spijkerpoepen, koekhappen en een springkussen op het plein voor de Driehoek. Een oranje feest voor de hele wijk.',
   'Op Koningsdag trekken veel gezinnen naar de binnenstad, maar lang niet iedereen kan of wil dat. Daarom organiseren we dichtbij huis een eigen Koningsdag op het plein voor de Driehoek.

Kinderen kunnen hun oude speelgoed verkopen op de vrijmarkt. Daarnaast zijn er oudhollandse spelletjes zoals spijkerpoepen, koekhappen en zaklopen, met kleine prijsjes voor iedereen die meedoet. Voor de kleintjes staat er een springkussen.

Er is een geluidsinstallatie voor muziek en een EHBO-post. We zoeken nog vrijwilligers die een spelonderdeel willen begeleiden.',
   110000, 53 * 750, 53,
   CASE WHEN date('now', '+30 days') <= strftime('%Y', 'now') || '-04-27'
        THEN strftime('%Y', 'now') || '-04-27'
        ELSE (CAST(strftime('%Y', 'now') AS INTEGER) + 1) || '-04-27' END,
   datetime('now', '+20 days'), NULL,
   'Bram Wolters', 'bram.wolters@example.org', '06 56473829', 4, 'open', '',
   datetime('now', '-12 days'), datetime('now', '-9 days'), datetime('now', '-1 days')),

  (11, 9, 'Ontmoetingskoffie voor ouderen in de Trefhoek',
   'Elke dinsdagochtend koffie, een praatje en een spelletje in de Trefhoek, met vervoer voor wie slecht ter been is. Tegen eenzaamheid, voor gezelligheid.',
   'In Kerkelanden wonen veel ouderen die alleen zijn, en niet iedereen komt nog makkelijk de deur uit. Een vaste koffieochtend geeft houvast en een reden om elkaar te zien.

Vrijwilligers schenken elke dinsdagochtend koffie en thee in de Trefhoek. Er zijn spelletjes, een puzzeltafel en af en toe een verteller of muzikant. Wie niet zelf kan komen, wordt opgehaald met het buurtbusje.

Met de vouchers betalen we een jaar lang koffie, thee en koek, het vervoer en aan het eind een uitstapje met alle deelnemers.',
   150000, 180 * 750, 180,
   date('now', '+35 days'), datetime('now', '+30 days'), NULL,
   'Truus Schuurman', 'truus.schuurman@example.org', '0546 81 23 45', 3, 'open', '',
   datetime('now', '-30 days'), datetime('now', '-27 days'), datetime('now', '-3 days')),

  (12, 10, 'Dorpsfeest Aadorp: zeskamp aan het kanaal',
   'Een zeskamp tussen de straten van Aadorp, met waterspelen langs het kanaal, een feesttent en muziek. Iedereen doet mee, van vijf tot vijfennegentig.',
   'Het dorpsfeest van Aadorp is al jaren een begrip, maar de zeskamp is een paar jaar geleden verdwenen omdat het geld op was. Dit jaar willen we hem terugbrengen.

Elke straat vormt een team. Op het veld bij het kanaal staan spelonderdelen zoals een stormbaan, een waterestafette en touwtrekken. ''s Avonds is er in de feesttent muziek en de prijsuitreiking.

De vouchers gaan naar de huur van de spelonderdelen, de tent en de geluidsinstallatie, en naar de bekers voor de winnaars.',
   200000, 264 * 750, 264,
   date('now', '+58 days'), datetime('now', '+18 days'), NULL,
   'Gerrit Oude Munnink', 'gerrit.oudemunnink@example.org', '06 83746251', 5, 'open', '',
   datetime('now', '-38 days'), datetime('now', '-35 days'), datetime('now', '-1 days')),

  (13, 11, 'Nieuwe doelen en netten voor het trapveldje in Bornerbroek',
   'Het trapveldje achter de school krijgt twee stevige jeugddoelen met nieuwe netten, zodat kinderen na schooltijd weer kunnen voetballen.',
   'De oude doelen op het trapveldje zijn verroest en de netten zijn al lang verdwenen. Kinderen voetballen nu tussen twee jassen, en de bal belandt steeds in de sloot.

We kopen twee verplaatsbare jeugddoelen met netten, hoekvlaggen en pionnen. De jeugdleden van de voetbalclub helpen met het plaatsen en houden een oogje in het zeil.',
   85000, 40 * 750, 40,
   date('now', '+70 days'), datetime('now', '+55 days'), NULL,
   'Stijn Haverkate', 'stijn.haverkate@example.org', '06 91827364', 2, 'open', '',
   datetime('now', '-8 days'), datetime('now', '-5 days'), datetime('now', '-1 days')),

  (14, 12, 'Bijenvriendelijke bloemstroken in Mariaparochie',
   'Langs de dorpsweg zaaien we stroken met inheemse bloemen, goed voor bijen, vlinders en een kleurrijk dorp. Boeren uit het dorp helpen met frezen.',
   'In Mariaparochie zien we steeds minder bijen en vlinders. Een paar brede bloemstroken langs de dorpsweg kunnen daar al veel aan doen, en het dorp wordt er ook nog mooier van.

Een loonwerker freest de grond, daarna zaaien we samen met de kinderen van de basisschool een mengsel van inheemse bloemen. Informatiebordjes vertellen voorbijgangers welke bloemen en insecten ze kunnen zien.',
   45000, 59 * 750, 59,
   date('now', '+32 days'), datetime('now', '+16 days'), NULL,
   'Annemiek Rikkerink', 'annemiek.rikkerink@example.org', '06 25364758', 3, 'open', '',
   datetime('now', '-29 days'), datetime('now', '-25 days'), datetime('now', '-1 days')),

  (15, NULL, 'Afvalgrijpers en hesjes voor opruimploegen in elke wijk',
   'Zestig afvalgrijpers, hesjes en zakhouders, verdeeld over alle wijkaccommodaties. Zo kan iedereen die een uurtje wil opruimen direct aan de slag.',
   'In veel wijken zijn bewoners die uit zichzelf zwerfafval opruimen, maar ze moeten hun spullen zelf regelen. Met dit initiatief liggen in elke wijkaccommodatie grijpers, hesjes, handschoenen en zakhouders klaar om te lenen.

De gemeente haalt de volle zakken op. We houden bij hoeveel zakken er worden opgehaald en delen dat op deze pagina.

Dit initiatief is gemeentebreed: iedereen in Almelo kan er een voucher aan geven.',
   120000, 150 * 750, 150,
   date('now', '+40 days'), datetime('now', '+27 days'), NULL,
   'Yusuf Karaca', 'yusuf.karaca@example.org', '06 34251607', 4, 'open', '',
   datetime('now', '-24 days'), datetime('now', '-20 days'), datetime('now', '-2 days')),

  (16, NULL, 'Feestkist om te lenen: alles voor een buurtfeest',
   'Twee partytenten, statafels, een koelbox, een kookplaat en een spellenkist op een karretje, gratis te lenen voor elk buurtfeest in Almelo.',
   'Wie een buurtfeest organiseert, loopt steeds tegen dezelfde vraag aan: waar haalt u tenten, tafels en spelletjes vandaan? Huren is duur en zelf kopen loont niet voor één keer per jaar.

Wij stellen een feestkist samen die iedere bewonersgroep in Almelo gratis kan lenen. Er zitten twee partytenten in, vier statafels, een grote koelbox, een kookplaat en een kist vol buitenspellen. Alles past op een karretje dat we stallen bij een van de wijkaccommodaties.

Reserveren gaat via een eenvoudige lijst bij de beheerder van de accommodatie. Wie de kist leent, brengt hem schoon terug.',
   280000, 210 * 750, 210,
   date('now', '+80 days'), datetime('now', '+60 days'), NULL,
   'Linda Brouwer', 'linda.brouwer@example.org', '06 72819364', 5, 'open', '',
   datetime('now', '-6 days'), datetime('now', '-3 days'), datetime('now', '-1 days')),

-- ---- gefinancierd --------------------------------------------------------
  (17, 1, 'Zomerse zondagmiddagconcerten in de Binnenstad',
   'Drie gratis concerten op zondagmiddag aan het water, met bands en koren uit Almelo. Neem een kleedje mee en geniet.',
   'Op zomerse zondagen is de binnenstad stil. Met drie concerten op het terras langs de Aa willen we bewoners en bezoekers een reden geven om even te blijven.

Het programma bestaat uit lokale bands, een koor en een singer-songwriter. Een vrijwilliger uit de buurt verzorgt geluid en licht, en er staan stoelen voor wie niet op de grond wil zitten.',
   160000, 214 * 750, 214,
   CASE WHEN date('now', '+20 days') <= strftime('%Y', 'now') || '-07-05'
        THEN strftime('%Y', 'now') || '-07-05'
        ELSE (CAST(strftime('%Y', 'now') AS INTEGER) + 1) || '-07-05' END,
   datetime('now', '-6 days'), NULL,
   'Thomas Nijland', 'thomas.nijland@example.org', '06 18273645', 4, 'gefinancierd', '',
   datetime('now', '-80 days'), datetime('now', '-75 days'), datetime('now', '-20 days')),

  (18, 14, 'Vossenjacht door de Wiekenbuurt',
   'Verklede buren verstoppen zich als vos in de Wiekenbuurt en de kinderen gaan in teams op jacht. Met een speurkaart, raadsels en een traktatie voor iedereen.',
   'Bij een vossenjacht lopen kinderen in kleine groepjes door de buurt, op zoek naar volwassenen die zich hebben verkleed en verstopt. Wie een vos vindt, krijgt een stempel en een raadsel voor de volgende.

Twaalf buren hebben zich al gemeld als vos. Elk team krijgt een speurkaart van de buurt, en in Möll''nwiek is een verkleedhoek voor de vossen. Aan het eind wacht er een traktatie voor alle kinderen.',
   40000, 54 * 750, 54,
   date('now', '+24 days'),
   datetime('now', '-2 days'), NULL,
   'Kim Scholten', 'kim.scholten@example.org', '06 29384756', 3, 'gefinancierd', '',
   datetime('now', '-60 days'), datetime('now', '-56 days'), datetime('now', '-14 days')),

  (19, 4, 'Schilderworkshops voor kinderen in ''t Dok',
   'Zes woensdagmiddagen schilderen met echte ezels en doeken, onder leiding van een kunstenares uit de wijk. Aan het eind een tentoonstelling in ''t Dok.',
   'Veel kinderen in De Riet hebben thuis geen ruimte of materiaal om te schilderen. In ''t Dok richten we een klein atelier in met acht schildersezels.

Een kunstenares uit de wijk geeft zes workshops, elke keer met een ander thema: de wijk, dieren, portretten. Aan het eind hangen de schilderijen in ''t Dok en zijn ouders, opa''s en oma''s welkom bij de opening.',
   70000, 94 * 750, 94,
   date('now', '+25 days'), datetime('now', '-4 days'), NULL,
   'Esther Lammers', 'esther.lammers@example.org', '06 40506070', 2, 'gefinancierd', '',
   datetime('now', '-66 days'), datetime('now', '-62 days'), datetime('now', '-18 days')),

  (20, 9, 'Buurtbarbecue Kerkelanden na de opruimdag',
   'Eerst samen de wijk opruimen, daarna een barbecue bij de Trefhoek als beloning. Voor alle bewoners van Kerkelanden.',
   'Vorig jaar haalden we bij de opruimdag veertien zakken zwerfafval op. Dit jaar sluiten we de dag af met een buurtbarbecue bij de Trefhoek, zodat de helpers ook even gezellig kunnen napraten.

Iedereen die meehelpt met opruimen eet gratis mee. Er is vlees, vis en een vegetarische barbecue, en de buurvrouw van nummer 12 bakt haar beroemde appeltaart.',
   50000, 67 * 750, 67,
   CASE WHEN date('now', '+14 days') <= strftime('%Y', 'now') || '-08-29'
        THEN strftime('%Y', 'now') || '-08-29'
        ELSE (CAST(strftime('%Y', 'now') AS INTEGER) + 1) || '-08-29' END,
   datetime('now', '-1 days'), NULL,
   'Peter Wessels', 'peter.wessels@example.org', '06 51627384', 3, 'gefinancierd', '',
   datetime('now', '-48 days'), datetime('now', '-44 days'), datetime('now', '-9 days')),

  (21, 11, 'Kerstverlichting voor de dorpsboom in Bornerbroek',
   'De grote linde op het dorpsplein krijgt duurzame LED-verlichting, die elk jaar in december weer aangaat. Met een feestelijk moment voor het hele dorp.',
   'Al jaren vragen dorpsgenoten waarom de grote linde op het plein in december donker blijft. Dit jaar gaan we daar samen iets aan doen.

We kopen zuinige LED-snoeren en laten een veilige aansluitkast plaatsen. Met een hoogwerker hangen we de verlichting in de boom. Het aanknipmoment vieren we met de muziekvereniging en warme chocomel uit ''t Brookshoes.',
   130000, 174 * 750, 174,
   CASE WHEN date('now', '+1 days') <= strftime('%Y', 'now') || '-11-29'
        THEN strftime('%Y', 'now') || '-11-29'
        ELSE (CAST(strftime('%Y', 'now') AS INTEGER) + 1) || '-11-29' END,
   datetime('now', '-8 days'), NULL,
   'Jan-Willem Pegge', 'janwillem.pegge@example.org', '06 62738495', 4, 'gefinancierd', '',
   datetime('now', '-90 days'), datetime('now', '-85 days'), datetime('now', '-25 days')),

-- ---- uitgevoerd ----------------------------------------------------------
  (22, 3, 'Voetbaltoernooi voor jongeren in Sluitersveld',
   'Een straatvoetbaltoernooi voor jongeren van 10 tot 18 jaar op het kunstgrasveldje bij MFA Eninver, met scheidsrechters, shirts en een prijsuitreiking.',
   'Jongeren in Sluitersveld voetballen elke dag op het veldje bij MFA Eninver, maar een echt toernooi was er nog nooit. Samen met een paar jongeren uit de wijk organiseren we een middag vol wedstrijden.

Teams van vijf spelers strijden in twee leeftijdsgroepen. Er zijn hesjes in teamkleuren, scheidsrechters van de voetbalclub en bekers voor de winnaars. Ouders zorgen voor eten en drinken.',
   80000, 107 * 750, 107,
   date('now', '-160 days'), datetime('now', '-200 days'), NULL,
   'Mohamed El Idrissi', 'mohamed.elidrissi@example.org', '06 73849501', 4, 'uitgevoerd',
   'Het toernooi was een groot succes: 14 teams en ruim 120 toeschouwers. De bekers staan nu in MFA Eninver en de jongeren willen het volgend jaar zelf weer organiseren. Bedankt aan iedereen die een voucher gaf!',
   datetime('now', '-240 days'), datetime('now', '-235 days'), datetime('now', '-150 days')),

  (23, 5, 'Geveltuintjes in de Nieuwstraat',
   'Samen met bewoners halen we tegels uit de stoep en maken we geveltuintjes. Goed voor regenwater, bijen en een vriendelijker straatbeeld.',
   'De Nieuwstraat is stenig en wordt in de zomer erg warm. Met geveltuintjes van dertig centimeter breed maken we de straat groener en koeler, en het regenwater kan weer de grond in.

Op een zaterdag halen we samen de tegels eruit, brengen we nieuwe aarde aan en planten we klimplanten en vaste planten. Elke deelnemer krijgt een bordje met onderhoudstips.',
   100000, 134 * 750, 134,
   date('now', '-170 days'), datetime('now', '-185 days'), NULL,
   'Ilse Kroeze', 'ilse.kroeze@example.org', '06 84950612', 3, 'uitgevoerd',
   'Op de werkdag zijn 31 geveltuintjes aangelegd door 45 bewoners. De klimrozen staan inmiddels in bloei en drie buren hebben een tweede tuintje aangevraagd.',
   datetime('now', '-220 days'), datetime('now', '-214 days'), datetime('now', '-120 days')),

  (24, 18, 'Buitenspeeldag in Schelfhorst-West',
   'Een middag buitenspelen voor alle kinderen uit Schelfhorst-West, met stoepkrijt, een knutseltafel en limonade. De straat is die middag autovrij.',
   'Kinderen spelen steeds minder buiten. Op de buitenspeeldag zetten we de straat rond de vijver af en maken we er een grote speelplaats van.

Er zijn stoepkrijt, springtouwen, een knutseltafel en een kleedjesmarkt. Ouders zorgen voor limonade en fruit.',
   30000, 40 * 750, 40,
   date('now', '-95 days'), datetime('now', '-120 days'), NULL,
   'Sophie Brink', 'sophie.brink@example.org', '', 2, 'uitgevoerd',
   'Ruim 60 kinderen speelden de hele middag buiten, en de stoep was nog dagen later vrolijk gekleurd. Het overgebleven stoepkrijt ligt in de Schelf voor een volgende keer.',
   datetime('now', '-150 days'), datetime('now', '-146 days'), datetime('now', '-90 days')),

  (25, NULL, 'Taalcafé: samen Nederlands oefenen',
   'Een wekelijks taalcafé waar nieuwkomers in een ontspannen sfeer Nederlands oefenen met vrijwilligers. Twaalf weken lang, in drie wijkaccommodaties.',
   'Wie Nederlands leert, heeft vooral oefening nodig in het dagelijks leven. In het taalcafé praten nieuwkomers en vrijwilligers aan tafel over gewone dingen: boodschappen doen, de school van de kinderen, het weer.

We trainen de vrijwilligers vooraf, kopen oefenmateriaal en zorgen elke week voor koffie en thee. Aan het eind van de twaalf weken koken de deelnemers samen een maaltijd uit hun eigen land.',
   140000, 187 * 750, 187,
   date('now', '-230 days'), datetime('now', '-250 days'), NULL,
   'Marieke Dijkstra', 'marieke.dijkstra@example.org', '06 95061728', 5, 'uitgevoerd',
   'Het taalcafé liep twaalf weken in MFA Eninver, ''t Dok en de Driehoek, met gemiddeld 38 deelnemers per week. De afsluitende maaltijd had gerechten uit elf landen. Het taalcafé gaat door met vrijwilligers van de bibliotheek.',
   datetime('now', '-300 days'), datetime('now', '-294 days'), datetime('now', '-60 days')),

-- ---- ingediend -----------------------------------------------------------
  (26, 2, 'Muurschildering in de fietstunnel bij Windmolenbroek',
   'De grauwe fietstunnel onder de ringweg krijgt een kleurrijke muurschildering, ontworpen samen met kinderen uit de wijk.',
   'De fietstunnel is voor veel kinderen de dagelijkse route naar school, maar hij is donker en vaak beklad. Een muurschildering maakt hem vriendelijker en veiliger.

Een graffitikunstenaar maakt samen met kinderen van twee basisscholen het ontwerp en brengt het daarna aan. De verf is graffitiwerend, zodat nieuwe tags makkelijk te verwijderen zijn.',
   320000, 0, 0,
   date('now', '+90 days'), NULL, NULL,
   'Dennis Pot', 'dennis.pot@example.org', '06 10293847', 3, 'ingediend', '',
   datetime('now', '-3 days'), NULL, datetime('now', '-3 days')),

  (27, 6, 'Buurtkeuken: samen koken op donderdag',
   'Tien donderdagavonden koken buren samen in de Schöppe en eten ze aan één lange tafel. Voor een kleine bijdrage, of gratis als dat nodig is.',
   'Koken voor één persoon is niet leuk, en samen eten verbindt. In de keuken van de Schöppe koken we tien weken lang op donderdag met een vaste groep vrijwilligers en wie maar wil aanschuiven.

De kookploeg volgt eerst een korte hygiënecursus. Met de vouchers kopen we ingrediënten en wat extra keukengerei.',
   95000, 0, 0,
   date('now', '+60 days'), NULL, NULL,
   'Gonnie Bosch', 'gonnie.bosch@example.org', '06 56789012', 4, 'ingediend', '',
   datetime('now', '-2 days'), NULL, datetime('now', '-2 days')),

  (28, 10, 'Wandelroute langs het kanaal met informatieborden',
   'Een bewegwijzerde wandelroute van vijf kilometer rond Aadorp, met borden over de geschiedenis van het dorp en het kanaal.',
   'Aadorp heeft een rijke geschiedenis, van de aanleg van het kanaal tot de oude steenfabriek. Veel nieuwe bewoners weten daar weinig van.

Met vijf informatieborden langs een rondwandeling vertellen we dat verhaal. De teksten schrijven we samen met de oudheidkundige vereniging, en er komt een folder die u in ''t Aahoes kunt meenemen.',
   170000, 0, 0,
   date('now', '+100 days'), NULL, NULL,
   'Wim Hulshof', 'wim.hulshof@example.org', '', 2, 'ingediend', '',
   datetime('now', '-6 hours'), NULL, datetime('now', '-6 hours')),

-- ---- wijziging_gevraagd --------------------------------------------------
  (29, 1, 'Reuzenschaakbord op het plein',
   'Een groot tuinschaakspel op het plein in de Binnenstad, met een afsluitbare kist voor de stukken. Iedereen kan een potje spelen.',
   'Op pleinen in andere steden ziet u ze vaak: mensen die met grote schaakstukken staan te spelen, en een kring toeschouwers eromheen. Dat willen we in Almelo ook.

We kopen een tuinschaakspel en laten een speelveld markeren met tegels. De stukken liggen in een kist met slot, waarvan de sleutel bij de winkeliers op het plein ligt.',
   260000, 0, 0,
   date('now', '+70 days'), NULL, NULL,
   'Roel van der Meer', 'roel.vandermeer@example.org', '06 67890123', 2, 'wijziging_gevraagd', '',
   datetime('now', '-14 days'), NULL, datetime('now', '-9 days')),

  (30, 15, 'Buurtfeest met live muziek in Riet-Noord',
   'Een groot straatfeest in Riet-Noord met een podium, een band uit de buurt en eten van de buren. Voor alle bewoners, jong en oud.',
   'Riet-Noord staat bekend om zijn straatfeesten, maar sinds een paar jaar is het er niet meer van gekomen. We willen die traditie nieuw leven inblazen met een groot feest op de kruising van de twee hoofdstraten.

Er komt een podium voor een band uit de buurt, een geluidsinstallatie en verlichting. Buren zorgen voor hapjes uit alle keukens van de wijk.',
   480000, 0, 0,
   date('now', '+80 days'), NULL, NULL,
   'Kevin Groothuis', 'kevin.groothuis@example.org', '06 78901234', 3, 'wijziging_gevraagd', '',
   datetime('now', '-11 days'), NULL, datetime('now', '-5 days')),

-- ---- afgewezen -----------------------------------------------------------
  (31, 8, 'Vuurwerkshow op oudejaarsavond in de Wierdensehoek',
   'Een professionele vuurwerkshow voor de hele wijk op oudejaarsavond, zodat bewoners zelf geen vuurwerk meer hoeven af te steken.',
   'Elk jaar wordt er in de wijk veel vuurwerk afgestoken, met overlast en soms gewonden. Met één gezamenlijke vuurwerkshow, afgestoken door een professional, kan het veiliger en gezelliger.

We huren een erkende vuurwerkspecialist en zetten een deel van het veld achter de Driehoek af.',
   500000, 0, 0,
   NULL, NULL, NULL,
   'Arjan Mulder', 'arjan.mulder@example.org', '06 89012345', 2, 'afgewezen',
   'Bedankt voor uw betrokkenheid bij een veilige jaarwisseling. Een vuurwerkshow valt helaas buiten Buurt Samen: er is een evenementenvergunning en een veiligheidsplan nodig die de gemeente zelf regelt. Wij nemen uw idee graag mee in het overleg over de jaarwisseling; de wijkregisseur neemt hierover contact met u op.',
   datetime('now', '-35 days'), NULL, datetime('now', '-30 days')),

  (32, NULL, 'Nieuwe laptop voor onze vereniging',
   'Een laptop met software voor de ledenadministratie van onze hobbyvereniging.',
   'Onze vereniging heeft ruim zestig leden en houdt de administratie nog bij op een oude computer die het bijna niet meer doet.

Met een nieuwe laptop en software kunnen we de contributie en de ledenlijst beter bijhouden.',
   110000, 0, 0,
   NULL, NULL, NULL,
   'Hans Snijders', 'hans.snijders@example.org', '', 2, 'afgewezen',
   'Dank voor uw aanvraag. Buurt Samen is bedoeld voor initiatieven die openstaan voor alle bewoners van een buurt of wijk; een laptop voor de administratie van één vereniging valt daar niet onder. Mogelijk komt uw vereniging in aanmerking voor de subsidieregeling voor verenigingen; het loket van de gemeente helpt u graag verder.',
   datetime('now', '-50 days'), NULL, datetime('now', '-44 days')),

-- ---- ingetrokken ---------------------------------------------------------
  (33, 12, 'Oogstfeest op de boerderij in Mariaparochie',
   'Een oogstfeest op het erf van een boerderij, met een tent, muziek en hapjes van producten uit het dorp.',
   'In het najaar willen we de oogst vieren met het hele dorp, op het erf van een van de boerderijen aan de rand van Mariaparochie.

Er komt een tent, een bandje en een tafel met hapjes van producten uit de omgeving.',
   150000, 0, 0,
   date('now', '-60 days'), NULL, NULL,
   'Lisanne Hofman', 'lisanne.hofman@example.org', '06 90123456', 3, 'ingetrokken', '',
   datetime('now', '-100 days'), datetime('now', '-95 days'), datetime('now', '-70 days')),

-- ---- niet_gehaald --------------------------------------------------------
  (34, 9, 'Beweegtoestellen voor ouderen in het park',
   'Twee buitenfitnesstoestellen voor ouderen in het park van Kerkelanden, zodat bewoners in hun eigen wijk kunnen bewegen.',
   'Bewegen is belangrijk om fit en zelfstandig te blijven. In het park van Kerkelanden willen we twee beweegtoestellen plaatsen die speciaal geschikt zijn voor ouderen.

Een fysiotherapeut uit de wijk geeft de eerste weken begeleiding.',
   450000, 0, 0,
   date('now', '-30 days'), datetime('now', '-65 days'), NULL,
   'Anton Bakker', 'anton.bakker@example.org', '06 11223344', 3, 'niet_gehaald', '',
   datetime('now', '-130 days'), datetime('now', '-125 days'), datetime('now', '-65 days')),

  (35, 3, 'Filmavonden in de buitenlucht in Sluitersveld',
   'Drie zomerse filmavonden op het veld bij MFA Eninver, met een groot scherm, popcorn en stoelen. Gratis voor de hele wijk.',
   'Een film kijken onder de sterren, samen met de buren: dat leek ons een mooie manier om de zomer te vieren. We wilden drie avonden een groot scherm neerzetten op het veld bij MFA Eninver.

De films kiezen we samen met bewoners, met een avond voor kinderen, een voor families en een voor volwassenen.',
   220000, 0, 0,
   date('now', '-20 days'), datetime('now', '-45 days'), NULL,
   'Ricardo Martens', 'ricardo.martens@example.org', '06 22334455', 2, 'niet_gehaald', '',
   datetime('now', '-110 days'), datetime('now', '-105 days'), datetime('now', '-45 days'));

-- The kerstmarkt closes donations five days before the market when that is near.
UPDATE initiatives SET deadline = datetime(planned_date, '-5 days')
 WHERE id = 1 AND planned_date <= date('now', '+30 days');

-- ---------------------------------------------------------------------------
-- Budget lines (amounts sum exactly to each initiative's target_cents)
-- ---------------------------------------------------------------------------
INSERT INTO budget_lines (initiative_id, position, item, amount_cents) VALUES
  -- 1: 125000
  (1, 1, 'Huur zes marktkramen', 48000),
  (1, 2, 'Sfeerverlichting en verlengkabels', 31000),
  (1, 3, 'Knutselmaterialen voor de kinderhoek', 18500),
  (1, 4, 'Warme chocolademelk en bekers', 17500),
  (1, 5, 'Flyers en posters', 10000),
  -- 2: 60000
  (2, 1, 'Huur twee barbecues', 12000),
  (2, 2, 'Vlees, vis en vegetarische hapjes', 30000),
  (2, 3, 'Brood, salades en sauzen', 11000),
  (2, 4, 'Huur tafels en stoelen', 7000),
  -- 3: 240000
  (3, 1, 'Grondwerk en afvoer van grond', 85000),
  (3, 2, 'Gravel en kantplanken', 72000),
  (3, 3, 'Twee bankjes', 54000),
  (3, 4, 'Set boules en meetlint', 9000),
  (3, 5, 'Bord met spelregels', 20000),
  -- 4: 90000
  (4, 1, 'Acht houten plantenbakken', 52000),
  (4, 2, 'Planten en potgrond', 28000),
  (4, 3, 'Gieters en tuingereedschap', 10000),
  -- 5: 350000
  (5, 1, 'Verf, schuurpapier en kwasten', 42000),
  (5, 2, 'Nieuwe schommelzittingen en kettingen', 68000),
  (5, 3, 'Valondergrond van houtsnippers (gestort)', 115000),
  (5, 4, 'Zandbak vernieuwen', 75000),
  (5, 5, 'Koffie en lunch voor de vrijwilligers', 50000),
  -- 6: 75000
  (6, 1, 'Gereedschapskist', 26000),
  (6, 2, 'Soldeerstation', 9500),
  (6, 3, 'Tweedehands naaimachine', 15000),
  (6, 4, 'Klein materiaal (zekeringen, draad, lijm)', 14500),
  (6, 5, 'Koffie en thee', 10000),
  -- 7: 180000
  (7, 1, 'Zes moestuinbakken op werkhoogte', 72000),
  (7, 2, 'Tuinaarde en compost', 38000),
  (7, 3, 'Zaden en plantgoed', 22000),
  (7, 4, 'Regenton en gieters', 18000),
  (7, 5, 'Laag hek tegen konijnen', 30000),
  -- 8: 64000
  (8, 1, 'Gecertificeerde instructeur, twee avonden', 38000),
  (8, 2, 'Huur oefenpoppen en oefen-AED', 12000),
  (8, 3, 'Lesmateriaal en certificaten', 9000),
  (8, 4, 'Koffie en thee', 5000),
  -- 9: 35000
  (9, 1, 'Hout en beslag voor het kastje', 16000),
  (9, 2, 'Verf en beits', 4500),
  (9, 3, 'Paal en verankering', 8500),
  (9, 4, 'Nieuwe kinderboeken', 6000),
  -- 10: 110000
  (10, 1, 'Huur springkussen', 32500),
  (10, 2, 'Spelmaterialen en prijsjes', 24000),
  (10, 3, 'Oranje versiering', 11000),
  (10, 4, 'Geluidsinstallatie', 25000),
  (10, 5, 'EHBO-post', 17500),
  -- 11: 150000
  (11, 1, 'Koffie, thee en koek voor veertig ochtenden', 60000),
  (11, 2, 'Vervoer met het buurtbusje', 52000),
  (11, 3, 'Spellen en puzzels', 13000),
  (11, 4, 'Afsluitend uitstapje', 25000),
  -- 12: 200000
  (12, 1, 'Huur spelonderdelen zeskamp', 95000),
  (12, 2, 'Huur feesttent', 60000),
  (12, 3, 'Geluidsinstallatie', 25000),
  (12, 4, 'Bekers en prijzen', 20000),
  -- 13: 85000
  (13, 1, 'Twee verplaatsbare jeugddoelen', 56000),
  (13, 2, 'Doelnetten', 19000),
  (13, 3, 'Hoekvlaggen en pionnen', 10000),
  -- 14: 45000
  (14, 1, 'Inheems bloemzaadmengsel', 21000),
  (14, 2, 'Grond frezen door loonwerker', 15000),
  (14, 3, 'Informatiebordjes', 9000),
  -- 15: 120000
  (15, 1, 'Zestig afvalgrijpers', 54000),
  (15, 2, 'Dertig veiligheidshesjes', 21000),
  (15, 3, 'Afvalzakhouders', 30000),
  (15, 4, 'Werkhandschoenen', 15000),
  -- 16: 280000
  (16, 1, 'Twee partytenten 3 x 6 meter', 90000),
  (16, 2, 'Vier statafels', 34000),
  (16, 3, 'Koelbox en kookplaat', 36000),
  (16, 4, 'Kist met buitenspellen', 42000),
  (16, 5, 'Karretje en opslag', 78000),
  -- 17: 160000
  (17, 1, 'Optredens van drie bands en een koor', 90000),
  (17, 2, 'Geluid en licht', 45000),
  (17, 3, 'Stroom en leges', 15000),
  (17, 4, 'Huur stoelen', 10000),
  -- 18: 40000
  (18, 1, 'Verkleedkleren en schmink voor de vossen', 14000),
  (18, 2, 'Traktaties', 11000),
  (18, 3, 'Speurtochtkaarten drukken', 6000),
  (18, 4, 'Stempels, potloden en teamhesjes', 9000),
  -- 19: 70000
  (19, 1, 'Acht schildersezels', 28000),
  (19, 2, 'Verf, penselen en doeken', 24000),
  (19, 3, 'Vergoeding kunstenares', 18000),
  -- 20: 50000
  (20, 1, 'Barbecuepakketten', 33000),
  (20, 2, 'Drinken', 9000),
  (20, 3, 'Huur partytent', 8000),
  -- 21: 130000
  (21, 1, 'LED-verlichtingssnoeren', 62000),
  (21, 2, 'Huur hoogwerker', 38000),
  (21, 3, 'Veilige aansluitkast', 30000),
  -- 22: 80000
  (22, 1, 'Hesjes in teamkleuren', 22000),
  (22, 2, 'Bekers en medailles', 16000),
  (22, 3, 'Vergoeding scheidsrechters', 15000),
  (22, 4, 'Eten en drinken', 27000),
  -- 23: 100000
  (23, 1, 'Tegels eruit en afvoer', 25000),
  (23, 2, 'Klimplanten en vaste planten', 48000),
  (23, 3, 'Tuinaarde', 17000),
  (23, 4, 'Bordjes met onderhoudstips', 10000),
  -- 24: 30000
  (24, 1, 'Stoepkrijt en springtouwen', 12000),
  (24, 2, 'Knutselmaterialen', 8000),
  (24, 3, 'Limonade en fruit', 6000),
  (24, 4, 'Afzethekken en versiering', 4000),
  -- 25: 140000
  (25, 1, 'Training voor vrijwilligers', 45000),
  (25, 2, 'Oefenmateriaal', 38000),
  (25, 3, 'Koffie en thee voor twaalf weken', 27000),
  (25, 4, 'Afsluitende maaltijd', 30000),
  -- 26: 320000
  (26, 1, 'Vergoeding graffitikunstenaar', 180000),
  (26, 2, 'Graffitiwerende verf en primer', 90000),
  (26, 3, 'Huur steiger', 50000),
  -- 27: 95000
  (27, 1, 'Ingrediënten voor tien avonden', 60000),
  (27, 2, 'Keukengerei', 20000),
  (27, 3, 'Hygiënecursus kookploeg', 15000),
  -- 28: 170000
  (28, 1, 'Ontwerp en druk van vijf borden', 85000),
  (28, 2, 'Palen en plaatsing', 45000),
  (28, 3, 'Folder', 40000),
  -- 29: 260000
  (29, 1, 'Tuinschaakspel', 140000),
  (29, 2, 'Afsluitbare opbergkist', 70000),
  (29, 3, 'Markering van het speelveld met tegels', 50000),
  -- 30: 480000
  (30, 1, 'Huur podium', 160000),
  (30, 2, 'Optreden band', 120000),
  (30, 3, 'Geluid en verlichting', 90000),
  (30, 4, 'Vergunning en beveiliging', 110000),
  -- 31: 500000
  (31, 1, 'Vuurwerk', 380000),
  (31, 2, 'Professionele afsteker', 90000),
  (31, 3, 'Afzetting van het terrein', 30000),
  -- 32: 110000
  (32, 1, 'Laptop', 95000),
  (32, 2, 'Software ledenadministratie', 15000),
  -- 33: 150000
  (33, 1, 'Huur tent', 70000),
  (33, 2, 'Muziek', 40000),
  (33, 3, 'Hapjes van streekproducten', 40000),
  -- 34: 450000
  (34, 1, 'Twee beweegtoestellen', 320000),
  (34, 2, 'Plaatsing en ondergrond', 90000),
  (34, 3, 'Informatiebord met oefeningen', 40000),
  -- 35: 220000
  (35, 1, 'Huur scherm en beamer, drie avonden', 135000),
  (35, 2, 'Vertoningsrechten films', 45000),
  (35, 3, 'Popcorn en huur stoelen', 40000);

-- ---------------------------------------------------------------------------
-- Updates on initiatives
-- ---------------------------------------------------------------------------
INSERT INTO initiative_updates (id, initiative_id, author_role, author_name, body, created_at) VALUES
  (1, 5, 'initiatiefnemer', 'Joost Veldhuis',
   'De offerte voor de houtsnippers is binnen en valt mee. We hebben inmiddels achttien vrijwilligers voor de werkdag. Wie nog wil helpen met soep maken: laat het weten in ''t Dok!',
   datetime('now', '-20 days')),
  (2, 5, 'wijkregisseur', 'Ruud Oude Egberink',
   'De gemeente heeft de speeltoestellen gekeurd: het klimrek en de glijbaan zijn in orde, alleen de schommels en de valondergrond moeten worden vervangen. Dat past precies binnen dit plan.',
   datetime('now', '-8 days')),
  (3, 6, 'initiatiefnemer', 'Wilma Hesselink',
   'We hebben al zes reparateurs: twee voor elektrische apparaten, twee voor kleding en twee fietsenmakers. Een naaimachine hebben we op het oog bij een kringloopwinkel.',
   datetime('now', '-10 days')),
  (4, 1, 'initiatiefnemer', 'Marloes ter Horst',
   'Er hebben zich al negen buren gemeld voor een kraam! De knutselhoek wordt begeleid door twee juffen van de basisschool.',
   datetime('now', '-5 days')),
  (5, 12, 'wijkregisseur', 'Henk Brinkhuis',
   'Goed nieuws: de eigenaar van het veld aan het kanaal geeft toestemming voor de zeskamp. De gemeente regelt de evenementenmelding.',
   datetime('now', '-12 days')),
  (6, 12, 'initiatiefnemer', 'Gerrit Oude Munnink',
   'Nog maar een paar vouchers nodig! Er doen al elf straten mee. Hebt u uw voucher nog niet gebruikt? Dit is uw kans.',
   datetime('now', '-2 days')),
  (7, 8, 'initiatiefnemer', 'Ruben Kamphuis',
   'De eerste avond is al vol. Als we het streefbedrag halen, vragen we de instructeur of er een extra groep bij kan.',
   datetime('now', '-6 days')),
  (8, 11, 'wijkregisseur', 'Martijn Hofstede',
   'Het buurtbusje is vanaf de eerste ochtend beschikbaar. Bewoners die opgehaald willen worden, kunnen zich melden bij de Trefhoek.',
   datetime('now', '-15 days')),
  (9, 17, 'initiatiefnemer', 'Thomas Nijland',
   'Gehaald! Dank aan iedereen die een voucher gaf. De eerste band is vastgelegd en we maken het programma binnenkort bekend.',
   datetime('now', '-19 days')),
  (10, 21, 'wijkregisseur', 'Henk Brinkhuis',
   'De aansluitkast is aangevraagd bij de netbeheerder. De verlichting wordt eind november opgehangen.',
   datetime('now', '-20 days')),
  (11, 18, 'initiatiefnemer', 'Kim Scholten',
   'Twaalf buren doen mee als vos en er zijn al negen teams ingeschreven. De raadsels worden geschreven door groep 7 van de basisschool.',
   datetime('now', '-10 days')),
  (12, 22, 'initiatiefnemer', 'Mohamed El Idrissi',
   'De teams zijn ingedeeld en het wedstrijdschema hangt in MFA Eninver. Tot zaterdag!',
   datetime('now', '-162 days')),
  (13, 23, 'wijkregisseur', 'Sanne Kuipers',
   'De gemeente haalt de losse tegels na de werkdag gratis op. Zet ze netjes gestapeld aan de rand van de stoep.',
   datetime('now', '-172 days')),
  (14, 25, 'initiatiefnemer', 'Marieke Dijkstra',
   'De vrijwilligerstraining zit erop: 14 vrijwilligers staan klaar. Volgende week start het eerste taalcafé.',
   datetime('now', '-232 days')),
  (15, 24, 'wijkregisseur', 'Yasmina Bouzid',
   'Wat een mooie middag was het! De foto''s hangen deze maand in de Schelf.',
   datetime('now', '-93 days')),
  (16, 2, 'initiatiefnemer', 'Sandra Leferink',
   'Bijna! Nog twee vouchers en de barbecue gaat door. De buurman van de slagerij levert het vlees.',
   datetime('now', '-1 days'));

-- ---------------------------------------------------------------------------
-- News
-- ---------------------------------------------------------------------------
INSERT INTO news (id, area_id, title, body, author_name, published, created_at, published_at) VALUES
  (1, NULL, 'De voucherronde is geopend: geef uw € 7,50 aan een initiatief',
   'Alle huishoudens in Almelo hebben deze week een brief ontvangen met een persoonlijke vouchercode van € 7,50. Met die code steunt u een initiatief in uw eigen wijk of dorp, of een initiatief voor heel Almelo.

Doneren is eenvoudig: ga naar de pagina Voucher doneren, vul de code uit uw brief in of scan de QR-code, en kies een initiatief. Uw voucher gaat in zijn geheel naar één initiatief. Haalt een initiatief het streefbedrag niet, dan krijgt u uw voucher terug zolang de ronde nog loopt.

Kijk op de homepage hoe lang u nog kunt doneren. Hebt u geen brief ontvangen? Neem dan contact op met de gemeente.',
   'Gemeente Almelo', 1, datetime('now', '-46 days'), datetime('now', '-45 days')),

  (2, NULL, 'Tips voor initiatiefnemers: zo maakt u een sterk plan',
   'Hebt u een idee voor uw buurt? Met een paar eenvoudige stappen vergroot u de kans dat uw initiatief het streefbedrag haalt.

Houd het concreet: beschrijf wat u gaat doen, voor wie en wanneer. Maak een eerlijke begroting met losse posten, en zoek minstens twee mede-organisatoren van andere adressen. Een foto of tekening helpt bewoners om zich iets voor te stellen.

Vertel het daarna aan iedereen: op het schoolplein, in de buurtapp en aan de deur. Veel initiatiefnemers halen het laatste deel van hun bedrag op door langs de deuren te gaan en vouchercodes in te zamelen.',
   'Gemeente Almelo', 1, datetime('now', '-61 days'), datetime('now', '-60 days')),

  (3, NULL, 'Terugblik: dit leverde de vorige ronde op',
   'In de vorige voucherronde gaven bijna 9.000 huishoudens hun voucher aan een initiatief. Daarmee kwamen 27 buurtinitiatieven tot stand, van geveltuintjes in de Nieuwstraat tot een taalcafé in drie wijkaccommodaties.

Opvallend was de opkomst in de dorpen: in Bornerbroek en Aadorp deed meer dan de helft van de huishoudens mee. In de stad lag de deelname rond een derde.

Op de pagina van elk uitgevoerd initiatief leest u een kort verslag van de initiatiefnemers. Bedankt aan iedereen die meedeed!',
   'Gemeente Almelo', 1, datetime('now', '-76 days'), datetime('now', '-75 days')),

  (4, 2, 'Möll''nwiek start met wekelijkse buurtsoep',
   'Vanaf deze maand staat er elke woensdag tussen 12.00 en 13.30 uur een pan soep klaar in Möll''nwiek. De soep wordt gekookt door vrijwilligers uit Windmolenbroek, met groenten van de volkstuinen.

Iedereen is welkom; een bijdrage is vrijwillig. Wilt u meehelpen met koken of afwassen? Meld u bij de balie van Möll''nwiek.',
   'Martijn Hofstede', 1, datetime('now', '-21 days'), datetime('now', '-20 days')),

  (5, 4, 'Werkdag speeltuin Rietstraat: vrijwilligers gezocht',
   'Als het initiatief voor de speeltuin aan de Rietstraat het streefbedrag haalt, volgt een grote werkdag. Er is werk voor iedereen: schuren, schilderen, houtsnippers kruien, maar ook soep koken en kinderen bezighouden.

Aanmelden kan in ''t Dok of bij de initiatiefnemer via de pagina van het initiatief. Gereedschap is aanwezig; neem wel werkhandschoenen mee.',
   'Ruud Oude Egberink', 1, datetime('now', '-13 days'), datetime('now', '-12 days')),

  (6, 1, 'Spreekuur wijkregisseur in de Goossenmaat',
   'Elke dinsdagochtend van 9.30 tot 11.00 uur kunt u zonder afspraak binnenlopen bij het spreekuur van de wijkregisseur in de Goossenmaat. Voor vragen over uw buurt, een idee voor een initiatief of hulp bij het invullen van het formulier.

Het spreekuur is voor bewoners van de Binnenstad en het Nieuwstraatkwartier. De koffie staat klaar.',
   'Sanne Kuipers', 1, datetime('now', '-31 days'), datetime('now', '-30 days')),

  (7, 10, 'Nieuw in ''t Aahoes: dorpsontbijt op zaterdag',
   'Eén keer per maand schuiven dorpsgenoten op zaterdagochtend aan voor een gezamenlijk ontbijt in ''t Aahoes. Het eerste ontbijt was meteen vol: 42 mensen, van peuter tot 92 jaar.

Het dorpsontbijt wordt georganiseerd door vrijwilligers van de dorpsraad. Aanmelden kan bij de bar van ''t Aahoes, zodat er genoeg broodjes zijn.',
   'Henk Brinkhuis', 1, datetime('now', '-10 days'), datetime('now', '-9 days')),

  (8, 7, 'Waar hangt de dichtstbijzijnde AED in Schelfhorst?',
   'In Schelfhorst hangen inmiddels vier openbaar toegankelijke AED''s: aan de gevel van de Schelf, bij de basisschool, bij de supermarkt en bij de sporthal. Bij een hartstilstand belt u altijd eerst 112.

Wilt u leren reanimeren? Steun dan het initiatief voor een AED-cursus in de wijk, of meld u aan als burgerhulpverlener.',
   'Yasmina Bouzid', 1, datetime('now', '-17 days'), datetime('now', '-16 days')),

  (9, 3, 'MFA Eninver opent huiskamer voor jongeren',
   'Op vrijdagavond is er voortaan een huiskamer voor jongeren van 12 tot 18 jaar in MFA Eninver. Er is een bank, een spelcomputer, een tafelvoetbalspel en altijd een jongerenwerker aanwezig.

De jongeren hebben de ruimte zelf ingericht en bedenken ook zelf de activiteiten. Het eerste plan ligt er al: een voetbaltoernooi, net als vorig jaar.',
   'Ingrid Nijhuis', 1, datetime('now', '-26 days'), datetime('now', '-25 days')),

  (10, NULL, 'Halverwege de voucherronde: zo staat het ervoor',
   'We zijn halverwege de voucherronde en de teller loopt hard op. Vijf initiatieven hebben hun streefbedrag al gehaald, en een flink aantal zit er dichtbij.

Bekijk op de pagina Initiatieven welke plannen bijna rond zijn: kies bij sorteren voor "bijna gehaald". Soms ontbreken nog maar een of twee vouchers.

Hebt u uw voucher nog niet gebruikt? Uw code staat in de brief die u aan het begin van de ronde kreeg.',
   'Gemeente Almelo', 1, datetime('now', '-4 days'), datetime('now', '-3 days')),

  (11, 9, 'Opruimdag Kerkelanden: doet u mee?',
   'Binnenkort trekken bewoners weer met grijpers en vuilniszakken door Kerkelanden. Vorig jaar haalden ruim dertig vrijwilligers samen veertien zakken zwerfafval op, vooral rond de bushalte en langs de singel.

Dit jaar krijgt de opruimdag een feestelijk vervolg als het initiatief voor een buurtbarbecue na de opruimdag genoeg vouchers ophaalt. Wie meehelpt met opruimen, eet dan gratis mee.

Grijpers, hesjes en handschoenen liggen klaar in de Trefhoek. Aanmelden is niet nodig.',
   'Martijn Hofstede', 1, datetime('now', '-41 days'), datetime('now', '-40 days')),

  (12, 11, 'Kerstverlichting dorpsboom: aanknipmoment met de muziekvereniging',
   'De LED-verlichting voor de linde op het dorpsplein is besteld. Het aanknipmoment wordt een feestje voor het hele dorp, met de muziekvereniging en warme chocomel uit ''t Brookshoes.

De precieze datum en tijd volgen zodra de netbeheerder de aansluitkast heeft geplaatst.',
   'Henk Brinkhuis', 0, datetime('now', '-1 days'), NULL);

-- Themes of the demo initiatives (the setting 'themas' holds the list).
UPDATE initiatives SET theme = CASE
  WHEN id IN (4, 7, 14, 23) THEN 'groen'
  WHEN id IN (5, 18, 24, 29) THEN 'spelen'
  WHEN id IN (1, 2, 10, 11, 16, 20, 25, 27, 30, 33) THEN 'ontmoeting'
  WHEN id IN (8) THEN 'veiligheid'
  WHEN id IN (6, 15) THEN 'duurzaamheid'
  WHEN id IN (3, 12, 13, 22, 28, 34) THEN 'sport en bewegen'
  WHEN id IN (9, 17, 19, 26, 35) THEN 'kunst en cultuur'
  ELSE 'overig' END
WHERE id <= 35;
